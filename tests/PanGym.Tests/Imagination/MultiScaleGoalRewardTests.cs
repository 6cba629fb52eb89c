using PanGym.Imagination;
using static TorchSharp.torch;

namespace PanGym.Tests.Imagination;

public sealed class MultiScaleGoalRewardTests
{
    const int Size = 32;

    /// <summary>A synthetic frame in model pixels [1, 3, H, W]: a dark background, a fixed grey block, and a 4-pixel coloured square at (x, y).</summary>
    static Tensor Frame(int x, int y)
    {
        var frame = full(1, 3, Size, Size, -0.8f);
        frame[.., .., 2..6, 24..30] = tensor(0.1f);
        frame[0, 0, y..(y + 4), x..(x + 4)] = tensor(0.9f);
        frame[0, 1, y..(y + 4), x..(x + 4)] = tensor(-0.5f);
        frame[0, 2, y..(y + 4), x..(x + 4)] = tensor(0.3f);
        return frame;
    }

    [Fact]
    public void The_multi_scale_distance_is_zero_at_the_goal_and_positive_elsewhere()
    {
        using var scope = NewDisposeScope();
        using var reward = new MultiScaleGoalReward(Frame(20, 20));

        var distance = reward.Distance(cat([Frame(20, 20), Frame(19, 20), Frame(2, 2)])).data<float>().ToArray();

        Assert.Equal(0.0, distance[0], 6);
        Assert.True(distance[1] > 0);
        Assert.True(distance[2] > distance[1]);
        Assert.Equal([0.0, 1, 2, 4, 8, 16], reward.Scales);
        Assert.True(reward.NeedsFrames);
    }

    [Fact]
    public void The_multi_scale_distance_falls_monotonically_as_an_object_approaches_the_goal()
    {
        using var scope = NewDisposeScope();
        using var reward = new MultiScaleGoalReward(Frame(24, 20));
        using var plain = new PixelGoalReward(Frame(24, 20));
        var path = Enumerable.Range(0, 25).Select(x => Frame(x, 20)).ToArray();

        var distance = reward.Distance(cat(path)).data<float>().ToArray();
        var pixel = plain.Evaluate(new ImaginedStep(zeros(path.Length, 1, 1), cat(path), [.. path.Select(_ => "a")], 0)).Rewards;

        for (int i = 1; i < distance.Length; i++) Assert.True(distance[i] < distance[i - 1], $"the distance rose from x = {i - 1} to x = {i}");
        // A plain pixel distance stays flat while the object and its goal place do not overlap: no direction to follow.
        Assert.Equal(pixel[0], pixel[10], 6);
    }

    [Fact]
    public void The_multi_scale_distance_is_finite_for_any_batch_and_refuses_frames_of_another_shape()
    {
        using var scope = NewDisposeScope();
        using var reward = new MultiScaleGoalReward(Frame(5, 5).squeeze(0), scales: [0, 3, 40]);

        Assert.Equal([1], reward.Distance(Frame(6, 5)).shape);
        var random = rand(7, 3, Size, Size) * 2 - 1;
        var distances = reward.Distance(random).data<float>().ToArray();
        Assert.Equal(7, distances.Length);
        Assert.All(distances, d => Assert.True(float.IsFinite(d) && d > 0));
        Assert.Equal(0, reward.Distance(zeros(0, 3, Size, Size)).shape[0]);
        var rewards = reward.Evaluate(new ImaginedStep(zeros(7, 1, 1), random, [.. Enumerable.Repeat("a", 7)], 0));
        Assert.Equal(distances.Select(d => -(double)d), rewards.Rewards, (a, b) => Math.Abs(a - b) < 1e-4);
        Assert.Contains("[B, 3, 32, 32]", Assert.Throws<ArgumentException>(() => reward.Distance(zeros(2, 3, 16, 16))).Message);
        Assert.Contains("decoded frames", Assert.Throws<ArgumentException>(() => reward.Evaluate(new ImaginedStep(zeros(1, 1, 1), null, ["a"], 0))).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new MultiScaleGoalReward(Frame(5, 5), scales: [double.NaN]));
        Assert.Throws<ArgumentException>(() => new MultiScaleGoalReward(Frame(5, 5), scales: []));
    }

    [Fact]
    public void A_multi_scale_reward_on_nan_frames_is_refused_with_an_error_naming_the_nan()
    {
        using var scope = NewDisposeScope();
        using var reward = new MultiScaleGoalReward(Frame(5, 5));
        var frames = cat([Frame(5, 5), full(1, 3, Size, Size, float.NaN)]);

        var error = Assert.Throws<ArgumentException>(() => reward.Evaluate(new ImaginedStep(zeros(2, 1, 1), frames, ["a", "b"], 0)));

        Assert.Contains("trajectory 1 of 2 is NaN", error.Message);
    }

    [Fact]
    public void A_uniform_brightness_change_costs_nothing_and_a_moved_object_costs_more_the_farther_it_moved()
    {
        using var scope = NewDisposeScope();
        using var reward = new MultiScaleGoalReward(Frame(16, 16));

        var distance = reward.Distance(cat([Frame(16, 16) + 0.05f, Frame(14, 16), Frame(8, 16), Frame(0, 16)])).data<float>().ToArray();

        Assert.Equal(0.0, distance[0], 5);
        Assert.True(distance[1] < distance[2] && distance[2] < distance[3]);
    }

    [Fact]
    public void The_default_scales_grow_by_doubling_up_to_half_the_shorter_side()
    {
        Assert.Equal([0.0, 1, 2, 4, 8, 16, 32], MultiScaleGoalReward.DefaultScales(64, 80));
        Assert.Equal([0.0], MultiScaleGoalReward.DefaultScales(1, 3));
    }
}
