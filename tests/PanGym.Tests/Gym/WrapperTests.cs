using PanGym.Gym;
using PanGym.Gym.Wrappers;

namespace PanGym.Tests.Gym;

public class WrapperTests
{
    static readonly Dictionary<string, object?> StartAtZero = new() { ["start"] = 0 };

    [Fact]
    public void Time_limit_truncates_after_max_steps_and_resets_the_count()
    {
        using var env = new TimeLimit<float[], int>(new LineWorld(), maxEpisodeSteps: 3);
        env.Reset(0, StartAtZero);
        Assert.False(env.Step(0).Truncated);
        Assert.False(env.Step(0).Truncated);
        var third = env.Step(0);
        Assert.True(third.Truncated);
        Assert.False(third.Terminated);
        env.Reset(0, StartAtZero);
        Assert.False(env.Step(0).Truncated);
    }

    [Fact]
    public void Order_enforcing_refuses_step_and_render_before_reset()
    {
        using var env = new OrderEnforcing<float[], int>(new LineWorld());
        Assert.Contains("before Reset", Assert.Throws<ResetNeededException>(() => env.Step(1)).Message);
        Assert.Throws<ResetNeededException>(() => env.Render());
        env.Reset(1);
        env.Step(1);
        env.Close();
        Assert.Throws<ObjectDisposedException>(() => env.Step(1));
    }

    [Fact]
    public void Episode_statistics_are_added_when_the_episode_ends()
    {
        using var env = new RecordEpisodeStatistics<float[], int>(new LineWorld());
        env.Reset(0, new Dictionary<string, object?> { ["start"] = LineWorld.Length - 3 });
        Assert.False(env.Step(1).Info.ContainsKey(RecordEpisodeStatistics<float[], int>.InfoKey));
        var last = env.Step(1);
        Assert.True(last.Terminated);
        var stats = Assert.IsType<EpisodeStatistics>(last.Info[RecordEpisodeStatistics<float[], int>.InfoKey]);
        Assert.Equal(1.0, stats.Return);
        Assert.Equal(2, stats.Length);
        Assert.Single(env.History);
    }

    [Fact]
    public void Wrappers_forward_spaces_and_unwrap()
    {
        var inner = new LineWorld();
        using var env = new TimeLimit<float[], int>(new OrderEnforcing<float[], int>(inner), 5);
        Assert.Same(inner.ActionSpace, env.ActionSpace);
        Assert.Same(inner, env.Unwrapped);
        env.Close();
        Assert.True(inner.IsClosed);
    }

    [Fact]
    public void Closing_a_wrapper_closes_the_environment_it_wraps_unless_it_was_told_to_leave_it_open()
    {
        var closed = new LineWorld();
        new RecordEpisodeStatistics<float[], int>(new TimeLimit<float[], int>(closed, 5)).Dispose();
        Assert.True(closed.IsClosed);

        var kept = new LineWorld();
        using (var limited = new TimeLimit<float[], int>(kept, 5, leaveOpen: true))
        {
            limited.Reset(0, StartAtZero);
            Assert.True(limited.LeaveOpen);
        }
        using (var ordered = new OrderEnforcing<float[], int>(kept, leaveOpen: true)) ordered.Reset(0);
        using (var stats = new RecordEpisodeStatistics<float[], int>(kept, leaveOpen: true)) stats.Reset(0);
        Assert.False(kept.IsClosed);
        Assert.Single(kept.Step(1).Observation);
    }

    [Fact]
    public void A_hand_built_environment_keeps_the_spec_it_is_given_and_its_wrappers_report_it()
    {
        var spec = new EnvSpec("LineWorld-v3", "a walker on a line", 7);
        var inner = new LineWorld { Spec = spec };
        using var env = new OrderEnforcing<float[], int>(inner);

        Assert.Same(spec, inner.Spec);
        Assert.Same(spec, env.Spec);
        Assert.Equal("LineWorld<LineWorld-v3>", inner.ToString());

        var own = new EnvSpec("Wrapped-v0", "the wrapper's own");
        env.Spec = own;
        Assert.Same(own, env.Spec);
        Assert.Same(spec, inner.Spec);
        Assert.Null(new LineWorld().Spec);
    }
}
