using PanGym.WorldModel;
using static TorchSharp.torch;

namespace PanGym.Tests.WorldModel;

public sealed class FlowStretchTests
{
    [Theory]
    [InlineData(4, 4)]
    [InlineData(6, 2)]
    [InlineData(3, 5)]
    public void Draws_cover_every_stretch_that_fits_the_window_and_the_chunk_budget_and_nothing_else(int steps, int maxWindow)
    {
        var generator = new Generator(3);
        var seen = Enumerable.Range(0, 600).Select(_ => FlowStretch.Draw(steps, maxWindow, generator, CPU)).ToHashSet();
        var fits = Enumerable.Range(0, steps)
            .SelectMany(start => Enumerable.Range(1, Math.Min(maxWindow, steps - start)).Select(width => new FlowStretch(start, width)))
            .ToHashSet();
        Assert.True(fits.SetEquals(seen), $"drawn: {string.Join(" ", seen.OrderBy(s => (s.Start, s.Width)))}; expected: {string.Join(" ", fits.OrderBy(s => (s.Start, s.Width)))}");
    }

    [Fact]
    public void The_same_seed_draws_the_same_stretches()
    {
        FlowStretch[] Draws(ulong seed)
        {
            var generator = new Generator(seed);
            return [.. Enumerable.Range(0, 20).Select(_ => FlowStretch.Draw(4, 4, generator, CPU))];
        }
        Assert.Equal(Draws(11), Draws(11));
        Assert.NotEqual(Draws(11), Draws(12));
    }

    [Fact]
    public void A_window_of_one_action_is_one_chunk_and_leaves_the_generator_untouched()
    {
        var used = new Generator(5);
        Assert.Equal(new FlowStretch(0, 1), FlowStretch.Draw(1, 4, used, CPU));
        using var next = randn([4], generator: used);
        using var fresh = randn([4], generator: new Generator(5));
        Assert.True(next.equal(fresh).all().item<bool>());
    }

    [Fact]
    public void Refuses_an_empty_window_or_chunk_budget()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => FlowStretch.Draw(0, 4, null, CPU));
        Assert.Throws<ArgumentOutOfRangeException>(() => FlowStretch.Draw(4, 0, null, CPU));
    }
}
