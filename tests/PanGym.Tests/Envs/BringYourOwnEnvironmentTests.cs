using PanGym.Envs;
using PanGym.Evaluation;
using PanGym.Gym;
using PanGym.Gym.Checking;

namespace PanGym.Tests.Envs;

/// <summary>An environment PanGym has never seen (<see cref="DotWorld"/>), written on the public base types and helpers.</summary>
public sealed class BringYourOwnEnvironmentTests
{
    [Theory]
    [InlineData(typeof(Raster))]
    [InlineData(typeof(Palette))]
    [InlineData(typeof(PaletteCentroids))]
    [InlineData(typeof(ActionText))]
    [InlineData(typeof(Keywords))]
    [InlineData(typeof(GoalPlacement))]
    [InlineData(typeof(GroundTruthRegistry))]
    [InlineData(typeof(FrameScore))]
    [InlineData(typeof(FrameScoring))]
    [InlineData(typeof(OneStepRecord))]
    [InlineData(typeof(OneStepRecords))]
    [InlineData(typeof(SyncProgress<>))]
    public void The_helpers_a_new_environment_needs_are_public(Type type)
    {
        Assert.True(type.IsPublic, $"{type.Name} is not public");
        Assert.True(type.IsAbstract && type.IsSealed || type.GetConstructors().Length > 0, $"{type.Name} has no public constructor");
    }

    [Fact]
    public void A_new_environment_on_the_public_base_passes_the_checker()
    {
        var report = EnvChecker.Check(new DotWorld());
        Assert.True(report.Passed, report.ToString());
    }

    [Fact]
    public void The_reward_and_termination_hooks_replace_the_goal_reward_without_leaving_the_base_class()
    {
        using var env = new DotWorld();
        env.Reset(0, new Dictionary<string, object?> { ["position"] = (10.0, 12.0), ["goal"] = (16, 8) });

        var step = env.Step("push right");
        var state = Assert.IsType<DotState>(step.Info["state"]);
        Assert.Equal([14.0, 12.0], state.Position);
        Assert.Same(state, env.State);
        Assert.Equal(-Math.Sqrt(6 * 6 + 0 * 0) / 32, step.Reward, 12);
        Assert.NotEqual(GoalReward.StepPenalty, step.Reward);
        Assert.False(step.Terminated);

        step = env.Step("push right");
        Assert.True(step.Terminated);
        Assert.True((bool)step.Info["is_success"]!);
        Assert.Equal(-2.0 / 32, step.Reward, 12);
    }

    [Fact]
    public void A_reward_hook_that_returns_NaN_is_refused_naming_the_hook_and_the_state_is_kept()
    {
        using var env = new DotWorld(fault: DotWorld.Fault.NaNReward);
        env.Reset(0, new Dictionary<string, object?> { ["position"] = (10.0, 12.0) });

        var e = Assert.Throws<InvalidOperationException>(() => env.Step("push left"));
        Assert.Contains("DotWorld.ComputeReward returned NaN", e.Message);
        Assert.Contains("push left", e.Message);
        Assert.Equal([10.0, 12.0], env.State.Position);
    }

    [Fact]
    public void The_probe_from_colours_reads_a_colour_the_built_in_palette_lacks()
    {
        using var env = new DotWorld();
        var (frame, _) = env.Reset(3, new Dictionary<string, object?> { ["position"] = (20.0, 9.0) });

        var dot = Assert.Single(env.StateProbe.Probe(frame));
        Assert.Equal(DotProbe.Name, dot.Name);
        Assert.Equal(20.0, dot.X, 0.01);
        Assert.Equal(9.0, dot.Y, 0.01);
        Assert.DoesNotContain(new PaletteCentroids(32, [Palette.Red]).Measure(frame), m => m.Area > 0);
        Assert.Throws<ArgumentException>(() => new PaletteCentroids(32, []));
    }

    [Theory]
    [InlineData("push left", Direction.Left)]
    [InlineData("  Shift the dot WEST.", Direction.Left)]
    [InlineData("go north", Direction.Up)]
    [InlineData("slide to the south!", Direction.Down)]
    [InlineData("noop", Direction.None)]
    [InlineData("Do nothing", Direction.None)]
    public void The_forgiving_parser_reads_a_new_environments_synonyms(string text, Direction expected)
    {
        Assert.Equal(expected, new DotWorld().ParseAction(text).Direction);
    }

    [Fact]
    public void An_action_a_new_environment_does_not_understand_lists_its_candidates()
    {
        var e = Assert.Throws<UnknownActionException>(() => new DotWorld().ParseAction("push the cube left"));
        Assert.Contains("only a dot", e.Message);
        Assert.Contains("\"push left\", \"push right\"", e.Message);
        Assert.Contains(ActionText.ForgivenVariants, e.Message);
        Assert.True(ActionText.IsWait("Stay."));
        Assert.Null(ActionText.DirectionOf("sideways"));
    }

    [Fact]
    public void A_goal_square_that_cannot_avoid_the_target_is_refused_instead_of_drawing_forever()
    {
        var e = Assert.Throws<ArgumentException>(() => GoalPlacement.RandomAvoiding(new Random(0), 10, 8, 5, 5));
        Assert.Contains("contains (5, 5)", e.Message);
        var goal = GoalPlacement.RandomAvoiding(new Random(0), 10, 8, 9.5, 5);
        Assert.False(goal.Contains(9.5, 5));
    }
}
