using PanGym.Evaluation;

namespace PanGym.Tests.Evaluation;

public sealed class EstimateTests
{
    [Fact]
    public void The_t_interval_of_a_known_sample_matches_the_textbook_value()
    {
        // mean 3, s = √2.5, t(0.975, 4) = 2.776445: half-width 2.776445 · 1.581139 / √5 = 1.963243.
        var estimate = Estimate.OfMean([1, 2, 3, 4, 5]);
        Assert.Equal(3, estimate.Mean, 12);
        Assert.Equal(1.036757, estimate.Lower, 5);
        Assert.Equal(4.963243, estimate.Upper, 5);
        Assert.Equal(5, estimate.Count);
        Assert.True(estimate.ExcludesZero);
    }

    [Fact]
    public void Bounds_cut_the_interval_and_one_value_leaves_it_open()
    {
        var cut = Estimate.OfMean([0, 0, 0, 1], least: 0);
        Assert.Equal(0, cut.Lower);
        Assert.True(cut.Upper > 0.25);

        var single = Estimate.OfMean([2.5]);
        Assert.Equal(2.5, single.Mean);
        Assert.Equal(double.NegativeInfinity, single.Lower);
        Assert.Equal(double.PositiveInfinity, single.Upper);
        Assert.False(single.ExcludesZero);

        var constant = Estimate.OfMean([4, 4, 4]);
        Assert.Equal((4.0, 4.0), (constant.Lower, constant.Upper));
    }

    [Fact]
    public void The_Wilson_interval_of_known_proportions()
    {
        var eight = Estimate.OfProportion(8, 10);
        Assert.Equal(0.8, eight.Mean, 12);
        Assert.Equal(0.4902, eight.Lower, 4);
        Assert.Equal(0.9433, eight.Upper, 4);

        var all = Estimate.OfProportion(10, 10);
        Assert.Equal(1, all.Mean);
        Assert.Equal(10 / (10 + 1.959964 * 1.959964), all.Lower, 5);
        Assert.Equal(1, all.Upper, 12);

        var none = Estimate.OfProportion(0, 10);
        Assert.Equal(0, none.Lower, 12);
        Assert.True(none.Upper is > 0 and < 0.3);
    }

    [Fact]
    public void A_decreasing_map_swaps_the_ends()
    {
        var mse = new Estimate(100, 50, 200, 9);
        var psnr = PixelError.Psnr(mse);
        Assert.Equal(PixelError.Psnr(100), psnr.Mean, 12);
        Assert.Equal(PixelError.Psnr(200), psnr.Lower, 12);
        Assert.Equal(PixelError.Psnr(50), psnr.Upper, 12);
        Assert.Equal(PixelError.PsnrCap, PixelError.Psnr(new Estimate(1, -3, 5, 4)).Upper);
    }

    [Fact]
    public void Bad_samples_are_refused()
    {
        Assert.Throws<ArgumentException>(() => Estimate.OfMean([]));
        var e = Assert.Throws<ArgumentException>(() => Estimate.OfMean([1, double.NaN]));
        Assert.Contains("not finite", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Estimate.OfProportion(0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Estimate.OfProportion(3, 2));
    }
}
