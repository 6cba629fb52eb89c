using PanGym.Envs;
using PanGym.Evaluation;
using PanGym.Gym;

namespace PanGym.Tests.Evaluation;

public sealed class FrameMetricsTests
{
    static Image Constant(int size, byte value)
    {
        var image = new Image(size, size);
        image.Fill((value, value, value));
        return image;
    }

    static Image Noise(int size, int seed)
    {
        var data = new byte[size * size * 3];
        new Random(seed).NextBytes(data);
        return new Image(size, size, data);
    }

    static Image ShapesFrame()
    {
        using var env = new ShapesWorld(ShapesWorldConfig.Small);
        return env.Reset(5).Observation;
    }

    static Image WithNoise(Image image, int amplitude, int seed)
    {
        var random = new Random(seed);
        var data = image.Data.Select(b => (byte)Math.Clamp(b + random.Next(-amplitude, amplitude + 1), 0, 255)).ToArray();
        return new Image(image.Height, image.Width, data);
    }

    [Fact]
    public void Ssim_of_identical_frames_is_one()
    {
        Assert.Equal(1, StructuralSimilarity.Compute(ShapesFrame(), ShapesFrame()), 12);
        var noise = Noise(32, 1);
        Assert.Equal(1, StructuralSimilarity.Compute(noise, noise.Clone()), 12);
        var small = Noise(8, 2);
        Assert.Equal(1, StructuralSimilarity.Compute(small, small.Clone()), 12);
    }

    [Theory]
    [InlineData(0, 255)]
    [InlineData(100, 120)]
    [InlineData(30, 200)]
    public void Ssim_of_two_constant_frames_is_the_luminance_term(byte a, byte b)
    {
        // No variance anywhere: the structure term is C₂/C₂ and SSIM = (2ab + C₁) / (a² + b² + C₁).
        double expected = (2.0 * a * b + StructuralSimilarity.C1) / ((double)a * a + (double)b * b + StructuralSimilarity.C1);
        Assert.Equal(expected, StructuralSimilarity.Compute(Constant(16, a), Constant(16, b)), 9);
    }

    [Fact]
    public void Ssim_is_symmetric_and_falls_with_noise()
    {
        var frame = ShapesFrame();
        var light = WithNoise(frame, 10, 1);
        var heavy = WithNoise(frame, 60, 2);
        Assert.Equal(StructuralSimilarity.Compute(frame, heavy), StructuralSimilarity.Compute(heavy, frame), 12);
        double lightSsim = StructuralSimilarity.Compute(frame, light), heavySsim = StructuralSimilarity.Compute(frame, heavy);
        Assert.True(lightSsim < 1 && heavySsim < lightSsim, $"light {lightSsim}, heavy {heavySsim}");
        Assert.True(StructuralSimilarity.Compute(Noise(32, 3), Noise(32, 4)) < 0.1);
    }

    [Fact]
    public void Psnr_and_pixel_errors_of_known_frames()
    {
        var black = Constant(8, 0);
        var grey = Constant(8, 10);
        Assert.Equal(100, PixelError.MeanSquaredError(black, grey));
        Assert.Equal(10, PixelError.MeanAbsoluteDifference(black, grey));
        Assert.Equal(10 * Math.Log10(255.0 * 255 / 100), PixelError.Psnr(black, grey), 12);
        Assert.Equal(PixelError.PsnrCap, PixelError.Psnr(grey, grey.Clone()));
        Assert.Throws<ArgumentOutOfRangeException>(() => PixelError.Psnr(-1));
        var e = Assert.Throws<ArgumentException>(() => PixelError.MeanSquaredError(black, Constant(16, 0)));
        Assert.Contains("8×8", e.Message);
        Assert.Throws<ArgumentException>(() => StructuralSimilarity.Compute(black, Constant(16, 0)));
    }

    [Fact]
    public void Side_by_side_frames_keep_each_panel_in_place()
    {
        var left = Constant(4, 10);
        var right = Noise(4, 7);
        var both = SideBySideFrames.Compose(left, right);
        Assert.Equal((4, 4 + SideBySideFrames.Gap + 4), (both.Height, both.Width));
        for (int y = 0; y < 4; y++)
            for (int x = 0; x < 4; x++)
            {
                Assert.Equal(left[x, y], both[x, y]);
                Assert.Equal(right[x, y], both[x + 4 + SideBySideFrames.Gap, y]);
            }
        Assert.Equal(((byte)255, (byte)255, (byte)255), both[4, 0]);
        Assert.Throws<ArgumentException>(() => SideBySideFrames.Compose(left, Constant(5, 0)));
    }
}
