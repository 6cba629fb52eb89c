using PanGym.Envs;
using PanGym.Gym;
using PanGym.Imagination;
using PanGym.Tests.Imagination;
using static TorchSharp.torch;

namespace PanGym.Tests.Planning;

public sealed class ShapesWorldGoalTasksTests
{
    [Fact]
    public void The_probe_distance_reward_grows_toward_the_goal_ends_at_it_and_punishes_a_lost_target()
    {
        using var model = TinyWorld.Model(seed: 0);
        using var shapes = new ShapesWorld(ShapesWorldConfig.Small);
        int seed = ShapesWorldGoalTasks.Seeds(ShapesWorldConfig.Small, 1)[0];
        var (start, info) = shapes.Reset(seed);
        var state = shapes.State;
        var expert = new ShapesWorldExpert(shapes);
        var closer = shapes.Transition(state, shapes.ParseAction(expert.Act(state)));
        var solved = shapes.SolvedState(state);
        var lost = state with { Shapes = state.Shapes.Where(s => s.Kind != state.Target).ToArray() };
        var frames = new[] { start, shapes.Draw(closer), shapes.Draw(solved), shapes.Draw(lost) };
        var reward = ShapesWorldGoalTasks.ProbeDistanceReward(shapes, info);

        using var scope = NewDisposeScope();
        var scores = reward.Evaluate(new ImaginedStep(zeros(4, 16, 64), model.ToModelPixels(frames), ["wait", "wait", "wait", "wait"], 0));

        Assert.True(reward.NeedsFrames);
        Assert.Equal(-shapes.GoalDistance(state) / shapes.Config.Size, scores.Rewards[0], 6);
        Assert.True(scores.Rewards[1] > scores.Rewards[0], $"a step toward the goal scored {scores.Rewards[1]} against {scores.Rewards[0]}");
        Assert.Equal([false, false, true, false], scores.Terminated);
        Assert.Equal(1.0, scores.Rewards[2]);
        Assert.Equal(-1.0, scores.Rewards[3]);
    }

    [Fact]
    public void A_reward_needs_the_start_state_in_the_info()
    {
        using var shapes = new ShapesWorld(ShapesWorldConfig.Small);
        var error = Assert.Throws<ArgumentException>(() => ShapesWorldGoalTasks.ProbeDistanceReward(shapes, new Dictionary<string, object?>()));
        Assert.Contains("no ShapesWorld \"state\"", error.Message);
    }
}
