using PanGym.Envs;
using PanGym.Gym;
using PanGym.Gym.Checking;
using PanGym.Gym.Spaces;

namespace PanGym.Tests.Envs;

public class MomentumWorldTests
{
    static readonly (int, int) CornerGoal = (0, 0);

    static MomentumWorld Started(out ResetResult<Image> reset, (double, double) position, (double, double)? velocity = null, (int, int)? goal = null)
    {
        var env = new MomentumWorld();
        reset = env.Reset(0, new Dictionary<string, object?>
        {
            ["position"] = position,
            ["velocity"] = velocity ?? (0.0, 0.0),
            ["goal"] = goal ?? CornerGoal,
        });
        return env;
    }

    [Fact]
    public void Checker_passes()
    {
        foreach (var config in new[] { MomentumWorldConfig.Default, MomentumWorldConfig.Small })
        {
            var report = EnvChecker.Check(new MomentumWorld(config));
            Assert.True(report.Passed, report.ToString());
        }
    }

    [Fact]
    public void Action_space_lists_four_pushes_and_wait()
    {
        var space = Assert.IsType<TextSpace>(new MomentumWorld().ActionSpace);
        Assert.Equal(["push left", "push right", "push up", "push down", "wait"], space.Candidates);
    }

    [Fact]
    public void The_same_frame_reached_by_different_paths_has_different_next_frames()
    {
        var moving = Started(out _, (20.0, 40.0));
        Image frame = null!;
        for (int i = 0; i < 3; i++) frame = moving.Step("push right").Observation;
        var there = moving.State;
        Assert.True(there.VelocityX > 1, $"the ball should be moving, velocity {there.VelocityX}");

        var resting = Started(out var reset, (there.X, there.Y));
        Assert.Equal(frame, reset.Observation);

        var nextMoving = moving.Step("wait").Observation;
        var nextResting = resting.Step("wait").Observation;
        Assert.Equal(reset.Observation, nextResting);
        Assert.NotEqual(nextMoving, nextResting);
        double probedShift = moving.StateProbe.Probe(nextMoving)[0].X - resting.StateProbe.Probe(nextResting)[0].X;
        Assert.InRange(probedShift, 1.0, 3.0);
    }

    [Fact]
    public void A_push_adds_impulse_then_friction_acts_and_the_ball_moves()
    {
        var env = Started(out _, (20.0, 30.0));
        env.Step("push down");
        Assert.Equal((20.0, 0.0), (env.State.X, env.State.VelocityX));
        Assert.Equal(0.7125, env.State.VelocityY, 12);
        Assert.Equal(30.7125, env.State.Y, 12);
        env.Step("wait");
        Assert.Equal(0.7125 * 0.95, env.State.VelocityY, 12);
        Assert.Equal(30 + 0.7125 + 0.7125 * 0.95, env.State.Y, 12);
    }

    [Fact]
    public void Speed_is_capped()
    {
        var env = Started(out _, (20.0, 30.0), velocity: (3.0, 0.0));
        env.Step("push right");
        Assert.Equal(3.0, env.State.VelocityX, 12);
        Assert.Equal(23.0, env.State.X, 12);
    }

    [Fact]
    public void Walls_reflect_position_and_velocity()
    {
        var env = Started(out _, (5.0, 59.0), velocity: (-2.0, 2.0));
        env.Step("wait");
        Assert.Equal(2 * 4 - (5 - 1.9), env.State.X, 12);
        Assert.Equal(1.9, env.State.VelocityX, 12);
        Assert.Equal(2 * 60 - (59 + 1.9), env.State.Y, 12);
        Assert.Equal(-1.9, env.State.VelocityY, 12);
    }

    [Fact]
    public void Expected_displacement_matches_the_step()
    {
        var env = Started(out _, (30.0, 30.0), velocity: (1.0, -0.5));
        var expected = env.ExpectedDisplacement(env.State, "Push the ball to the left.")["ball"];
        var before = env.State;
        env.Step("push left");
        Assert.Equal(env.State.X - before.X, expected.Dx, 12);
        Assert.Equal(env.State.Y - before.Y, expected.Dy, 12);
    }

    [Fact]
    public void Reaching_the_goal_terminates_with_reward_one()
    {
        var env = Started(out var reset, (20.0, 20.0), goal: (22, 12));
        Assert.Equal(MomentumWorld.GoalText, reset.Info["goal"]);
        var first = env.Step("push right");
        Assert.False(first.Terminated);
        Assert.Equal(GoalReward.StepPenalty, first.Reward);
        var second = env.Step("push right");
        Assert.True(second.Terminated);
        Assert.Equal(GoalReward.Success, second.Reward);
        Assert.True((bool)second.Info["is_success"]!);
    }

    [Fact]
    public void Random_starts_are_at_rest_inside_the_canvas_and_outside_the_goal()
    {
        var env = new MomentumWorld();
        for (int seed = 0; seed < 200; seed++)
        {
            var state = (MomentumWorldState)env.Reset(seed).Info["state"]!;
            Assert.InRange(state.X, 4, 60);
            Assert.InRange(state.Y, 4, 60);
            Assert.Equal((0.0, 0.0), (state.VelocityX, state.VelocityY));
            Assert.False(env.IsSuccess(state), $"seed {seed}: the goal already contains the ball");
        }
    }

    [Fact]
    public void Same_seed_and_actions_give_identical_frames_and_different_seeds_differ()
    {
        var actions = new[] { "push left", "push up", "wait", "push right", "wait" };
        Image[] Run(int seed)
        {
            var env = new MomentumWorld();
            return [env.Reset(seed).Observation, .. actions.Select(a => env.Step(a).Observation)];
        }
        Assert.Equal(Run(11), Run(11));
        Assert.NotEqual(new MomentumWorld().Reset(1).Info["state"], new MomentumWorld().Reset(2).Info["state"]);
    }

    [Fact]
    public void Bad_input_is_refused_with_a_clear_message()
    {
        Assert.Throws<ResetNeededException>(() => new MomentumWorld().Step("push left"));
        var env = new MomentumWorld();
        Assert.Throws<ArgumentOutOfRangeException>(() => env.Reset(-5));
        var unknown = Assert.Throws<ArgumentException>(() => env.Reset(0, new Dictionary<string, object?> { ["speed"] = 1.0 }));
        Assert.Contains("\"speed\"", unknown.Message);
        Assert.Contains("\"position\", \"velocity\", \"goal\"", unknown.Message);
        var outside = Assert.Throws<ArgumentException>(() => env.Reset(0, new Dictionary<string, object?> { ["position"] = (2.0, 30.0) }));
        Assert.Contains("outside the canvas", outside.Message);
        var fast = Assert.Throws<ArgumentException>(() => env.Reset(0, new Dictionary<string, object?> { ["velocity"] = (5.0, 0.0) }));
        Assert.Contains("speed cap", fast.Message);
        var pair = Assert.Throws<ArgumentException>(() => env.Reset(0, new Dictionary<string, object?> { ["position"] = "middle" }));
        Assert.Contains("\"position\" must be a pair", pair.Message);
        env.Reset(0);
        var action = Assert.Throws<UnknownActionException>(() => env.Step("kick the ball"));
        Assert.Contains("\"push left\", \"push right\", \"push up\", \"push down\", \"wait\"", action.Message);
    }
}
