using PanGym.Envs;
using PanGym.Gym;
using PanGym.Gym.Checking;
using PanGym.Gym.Spaces;

namespace PanGym.Tests.Envs;

public class ShapesWorldTests
{
    static readonly GoalRegion FarGoal = new(48, 48, 16);

    static ShapesWorld WithShapes(out ResetResult<Image> reset, params ShapeState[] shapes)
    {
        var env = new ShapesWorld();
        reset = env.Reset(seed: 0, new Dictionary<string, object?> { ["shapes"] = shapes, ["target"] = shapes[0].Kind, ["goal"] = (FarGoal.X, FarGoal.Y) });
        return env;
    }

    [Fact]
    public void Checker_passes()
    {
        foreach (var config in new[] { ShapesWorldConfig.Default, ShapesWorldConfig.Small })
        {
            var report = EnvChecker.Check(new ShapesWorld(config));
            Assert.True(report.Passed, report.ToString());
        }
    }

    [Fact]
    public void Action_space_lists_thirteen_fixed_candidates()
    {
        var space = Assert.IsType<TextSpace>(new ShapesWorld().ActionSpace);
        Assert.Equal(13, space.Candidates.Count);
        Assert.False(space.EnforceCandidates);
        Assert.Contains("move the red circle left", space.Candidates);
        Assert.Contains("move the green triangle down", space.Candidates);
        Assert.Equal("wait", space.Candidates[^1]);
        Assert.Equal(space.Candidates, new TextSpace(100, candidates: ShapesWorldAction.Candidates).Candidates);
    }

    [Fact]
    public void Same_seed_and_actions_give_identical_frames_and_different_seeds_differ()
    {
        var actions = new[] { "move the red circle left", "move the blue square up", "wait", "move the green triangle right" };
        Image[] Run(int seed)
        {
            var env = new ShapesWorld();
            return [env.Reset(seed).Observation, .. actions.Select(a => env.Step(a).Observation)];
        }
        Assert.Equal(Run(7), Run(7));
        var starts = Enumerable.Range(0, 20).Select(seed => new ShapesWorld().Reset(seed).Info["state"]!.ToString()).ToHashSet();
        Assert.True(starts.Count >= 19, $"20 seeds gave only {starts.Count} distinct start states.");
    }

    [Fact]
    public void Reset_without_seed_continues_the_generator()
    {
        var env = new ShapesWorld();
        var first = (ShapesWorldState)env.Reset(3).Info["state"]!;
        var second = (ShapesWorldState)env.Reset().Info["state"]!;
        Assert.NotEqual(first, second);
        var again = new ShapesWorld();
        again.Reset(3);
        Assert.Equal(second, (ShapesWorldState)again.Reset().Info["state"]!);
    }

    [Fact]
    public void Random_starts_are_valid()
    {
        var env = new ShapesWorld();
        for (int seed = 0; seed < 200; seed++)
        {
            var state = (ShapesWorldState)env.Reset(seed).Info["state"]!;
            Assert.InRange(state.Shapes.Count, 1, 3);
            Assert.Equal(state.Shapes.Count, state.Shapes.Select(s => s.Kind).Distinct().Count());
            Assert.All(state.Shapes, s => Assert.True(s.X is >= 0 and <= 52 && s.Y is >= 0 and <= 52, s.ToString()));
            foreach (var a in state.Shapes)
                foreach (var b in state.Shapes.Where(b => b != a))
                    Assert.False(Math.Abs(a.X - b.X) < 12 && Math.Abs(a.Y - b.Y) < 12, $"{a} overlaps {b}");
            Assert.NotNull(state.Find(state.Target));
            Assert.False(env.IsSuccess(state), $"seed {seed}: the goal already contains the target");
        }
    }

    [Theory]
    [InlineData("move the red circle left", -4, 0)]
    [InlineData("move the red circle right", 4, 0)]
    [InlineData("move the red circle up", 0, -4)]
    [InlineData("move the red circle down", 0, 4)]
    public void A_move_shifts_only_the_named_shape_by_one_step(string action, int dx, int dy)
    {
        var env = WithShapes(out _, new ShapeState(ShapeKind.Circle, 20, 20), new ShapeState(ShapeKind.Square, 40, 4));
        var result = env.Step(action);
        var state = (ShapesWorldState)result.Info["state"]!;
        Assert.Equal(new ShapeState(ShapeKind.Circle, 20 + dx, 20 + dy), state.Find(ShapeKind.Circle));
        Assert.Equal(new ShapeState(ShapeKind.Square, 40, 4), state.Find(ShapeKind.Square));
        Assert.Equal(GoalReward.StepPenalty, result.Reward);
        Assert.False(result.Terminated);
        Assert.Equal(action, result.Info["action"]);
    }

    [Fact]
    public void Moves_are_clamped_to_the_canvas_and_blocked_by_other_shapes()
    {
        var env = WithShapes(out _, new ShapeState(ShapeKind.Circle, 2, 20), new ShapeState(ShapeKind.Square, 16, 20));
        env.Step("move the red circle left");
        Assert.Equal(new ShapeState(ShapeKind.Circle, 0, 20), env.State.Find(ShapeKind.Circle));

        env.Step("move the blue square left");
        Assert.Equal(new ShapeState(ShapeKind.Square, 12, 20), env.State.Find(ShapeKind.Square));
        var before = env.State;
        var blocked = env.Step("move the blue square left");
        Assert.Equal(before, env.State);
        Assert.Equal(env.Draw(before), blocked.Observation);
    }

    [Fact]
    public void Absent_shape_and_wait_change_nothing()
    {
        var env = WithShapes(out var reset, new ShapeState(ShapeKind.Circle, 20, 20));
        Assert.Equal(reset.Observation, env.Step("move the green triangle up").Observation);
        Assert.Equal(reset.Observation, env.Step("wait").Observation);
    }

    [Fact]
    public void Reaching_the_goal_terminates_with_reward_one()
    {
        var env = new ShapesWorld();
        var reset = env.Reset(0, new Dictionary<string, object?>
        {
            ["shapes"] = new[] { new ShapeState(ShapeKind.Triangle, 10, 30) },
            ["goal"] = (26, 26),
        });
        Assert.Equal("bring the green triangle into the grey square", reset.Info["goal"]);
        Assert.False((bool)reset.Info["is_success"]!);
        var outcomes = Enumerable.Range(0, 3).Select(_ => env.Step("push the green triangle east")).ToList();
        Assert.All(outcomes.Take(2), o => Assert.False(o.Terminated));
        Assert.True(outcomes[2].Terminated);
        Assert.False(outcomes[2].Truncated);
        Assert.Equal(GoalReward.Success, outcomes[2].Reward);
        Assert.True((bool)outcomes[2].Info["is_success"]!);
    }

    [Fact]
    public void Expected_displacement_reports_every_shape()
    {
        var env = WithShapes(out _, new ShapeState(ShapeKind.Circle, 20, 20), new ShapeState(ShapeKind.Square, 40, 4));
        var effect = env.ExpectedDisplacement(env.State, "Move red up.");
        Assert.Equal((0.0, -4.0), effect["red circle"]);
        Assert.Equal((0.0, 0.0), effect["blue square"]);
        Assert.Equal(new ShapeState(ShapeKind.Circle, 20, 20), env.State.Find(ShapeKind.Circle));
    }

    [Fact]
    public void Frames_show_background_goal_and_shapes_in_palette_colours()
    {
        var env = WithShapes(out var reset, new ShapeState(ShapeKind.Square, 0, 0));
        var frame = reset.Observation;
        Assert.Equal((16, 16, 24), ((int, int, int))frame[30, 30]);
        Assert.Equal((64, 64, 64), ((int, int, int))frame[50, 50]);
        var blue = frame[5, 5];
        Assert.True(blue.B > 200 && blue.R < 100, $"square pixel {blue}");
        Assert.Equal(blue, frame[11, 11]);
        Assert.Equal((16, 16, 24), ((int, int, int))frame[12, 12]);
    }

    [Fact]
    public void Step_before_reset_is_refused()
    {
        var e = Assert.Throws<ResetNeededException>(() => new ShapesWorld().Step("wait"));
        Assert.Contains("Reset", e.Message);
        Assert.Throws<ResetNeededException>(() => new ShapesWorld().Render());
    }

    [Fact]
    public void Bad_reset_input_is_refused_with_a_clear_message()
    {
        var env = new ShapesWorld();
        Assert.Throws<ArgumentOutOfRangeException>(() => env.Reset(-1));
        var unknown = Assert.Throws<ArgumentException>(() => env.Reset(0, new Dictionary<string, object?> { ["colour"] = "red" }));
        Assert.Contains("\"colour\"", unknown.Message);
        Assert.Contains("\"shapes\", \"target\", \"goal\"", unknown.Message);
        var overlap = Assert.Throws<ArgumentException>(() => env.Reset(0, new Dictionary<string, object?>
        {
            ["shapes"] = new[] { new ShapeState(ShapeKind.Circle, 10, 10), new ShapeState(ShapeKind.Square, 15, 15) },
        }));
        Assert.Contains("overlaps", overlap.Message);
        var outside = Assert.Throws<ArgumentException>(() => env.Reset(0, new Dictionary<string, object?> { ["shapes"] = new[] { new ShapeState(ShapeKind.Circle, 60, 0) } }));
        Assert.Contains("outside the canvas", outside.Message);
        var absent = Assert.Throws<ArgumentException>(() => env.Reset(0, new Dictionary<string, object?>
        {
            ["shapes"] = new[] { new ShapeState(ShapeKind.Circle, 10, 10) },
            ["target"] = "blue square",
        }));
        Assert.Contains("not among the shapes", absent.Message);
    }

    [Fact]
    public void Unknown_action_is_refused_and_the_state_kept()
    {
        var env = new ShapesWorld();
        env.Reset(1);
        var before = env.State;
        var e = Assert.Throws<UnknownActionException>(() => env.Step("jump"));
        Assert.Contains("\"jump\"", e.Message);
        Assert.Contains("\"move the blue square up\"", e.Message);
        Assert.Equal(before, env.State);
    }

    [Fact]
    public void Config_rejects_impossible_geometry()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ShapesWorldConfig(size: 32, shapeSize: 12));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ShapesWorldConfig(minShapes: 2, maxShapes: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ShapesWorldConfig(goalSize: 2));
        Assert.Equal((32, 6, 2, 8), (ShapesWorldConfig.Small.Size, ShapesWorldConfig.Small.ShapeSize, ShapesWorldConfig.Small.StepPixels, ShapesWorldConfig.Small.GoalSize));
    }
}
