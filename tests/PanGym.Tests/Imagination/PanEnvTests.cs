using PanGym.Envs;
using PanGym.Gym;
using PanGym.Gym.Checking;
using PanGym.Gym.Wrappers;
using PanGym.Imagination;
using TorchSharp;

namespace PanGym.Tests.Imagination;

public sealed class PanEnvTests : IDisposable
{
    readonly PanGym.WorldModel.PanWorldModel _model = TinyWorld.Model(seed: 1);

    public void Dispose() => _model.Dispose();

    [Fact]
    public void PanEnv_passes_the_environment_checker()
    {
        using var env = new PanEnv(_model, TinyWorld.Options());
        var report = EnvChecker.Check(env, seed: 7);
        Assert.True(report.Passed, report.ToString());
    }

    [Fact]
    public void Reset_takes_the_start_frame_through_options_or_the_typed_overload_and_a_seed_fixes_the_episode()
    {
        var start = TinyWorld.Frame(3);
        using var env = new PanEnv(_model, TinyWorld.Options(sampling: new(steps: 2, temperature: 1)));

        var (observation, info) = env.Reset(seed: 11, new Dictionary<string, object?> { [PanEnv.ObservationOption] = start });
        Assert.Equal(start, observation);
        Assert.Equal(16 * 64, ((float[])info["latent"]!).Length);
        Assert.Equal([16, 64], (int[])info["latent_shape"]!);
        var first = env.Step("move the red circle left");

        env.Reset(start, seed: 11);
        var again = env.Step("move the red circle left");
        Assert.Equal(first.Observation, again.Observation);
        Assert.Equal((float[])first.Info["latent"]!, (float[])again.Info["latent"]!);

        env.Reset(start, seed: 12);
        Assert.NotEqual(first.Observation, env.Step("move the red circle left").Observation);
    }

    [Fact]
    public void Step_returns_the_decoded_frame_reward_and_info_and_free_text_works_when_not_enforced()
    {
        using var goal = LatentGoalReward.FromImage(_model, TinyWorld.Frame(8));
        using var env = new PanEnv(_model, TinyWorld.Options(goal));
        env.Reset(TinyWorld.Frame(2), seed: 0);

        var (observation, reward, terminated, truncated, info) = env.Step("nudge the blue square west");

        Assert.Equal(32, observation.Height);
        Assert.True(reward < 0);
        Assert.False(terminated);
        Assert.False(truncated);
        Assert.Equal("nudge the blue square west", info["action"]);
        Assert.Equal(1, info["turns"]);
        var timing = Assert.IsType<PanStepTiming>(info["timing"]);
        Assert.True(timing.Imagine > TimeSpan.Zero && timing.Encode == TimeSpan.Zero);
        Assert.Equal(observation, env.Render());
        Assert.Equal(env.CurrentLatent, (float[])info["latent"]!);
    }

    [Fact]
    public void The_reward_of_one_episode_comes_through_reset_and_termination_ends_the_episode()
    {
        var stopAtOnce = new DelegateReward(step => new StepRewards([5.0], [true]));
        using var env = new PanEnv(_model, TinyWorld.Options());
        env.Reset(TinyWorld.Frame(1), seed: 0, reward: stopAtOnce);

        var result = env.Step("wait");

        Assert.Equal(5.0, result.Reward);
        Assert.True(result.Terminated);
        var after = Assert.Throws<ResetNeededException>(() => env.Step("wait"));
        Assert.Contains("terminated", after.Message);
        env.Reset(TinyWorld.Frame(1), seed: 0);
        Assert.Equal(0.0, env.Step("wait").Reward);
    }

    [Fact]
    public void Works_under_time_limit()
    {
        using var env = new TimeLimit<Image, string>(new PanEnv(_model, TinyWorld.Options()), maxEpisodeSteps: 3);
        env.Reset(seed: 4);
        Assert.False(env.Step("wait").Truncated);
        Assert.False(env.Step("wait").Truncated);
        Assert.True(env.Step("wait").Truncated);
    }

    [Fact]
    public void Bad_input_gives_clear_errors()
    {
        using var env = new PanEnv(_model, TinyWorld.Options(enforce: true));
        var before = Assert.Throws<ResetNeededException>(() => env.Step("wait"));
        Assert.Contains("Reset", before.Message);

        var noFrame = Assert.Throws<ArgumentException>(() => new PanEnv(_model).Reset(seed: 0));
        Assert.Contains("start frame", noFrame.Message);
        var wrongSize = Assert.Throws<ArgumentException>(() => env.Reset(new Image(64, 64)));
        Assert.Contains("expected 32×32", wrongSize.Message);
        var wrongType = Assert.Throws<ArgumentException>(() => env.Reset(seed: 0, new Dictionary<string, object?> { [PanEnv.ObservationOption] = new byte[32 * 32 * 3] }));
        Assert.Contains("must be a PanGym.Gym.Image", wrongType.Message);
        var unknown = Assert.Throws<ArgumentException>(() => env.Reset(seed: 0, new Dictionary<string, object?> { ["goal"] = 1 }));
        Assert.Contains("Unknown PanEnv reset option \"goal\"", unknown.Message);
        var badReward = Assert.Throws<ArgumentException>(() => env.Reset(seed: 0, new Dictionary<string, object?> { [PanEnv.RewardOption] = 3.0 }));
        Assert.Contains("IImaginedReward", badReward.Message);

        env.Reset(TinyWorld.Frame(0), seed: 0);
        var outside = Assert.Throws<ArgumentException>(() => env.Step("move the red circle diagonally"));
        Assert.Contains("not one of the 13 enforced candidate actions", outside.Message);
        Assert.Throws<ArgumentNullException>(() => env.Step(null!));

        var emptyEnforced = Assert.Throws<ArgumentException>(() => new PanEnvOptions([], enforceCandidates: true));
        Assert.Contains("candidate list is empty", emptyEnforced.Message);

        using var free = new PanEnv(_model, TinyWorld.Options());
        free.Reset(TinyWorld.Frame(0), seed: 0);
        var tooLong = Assert.Throws<ArgumentException>(() => free.Step(new string('a', 40)));
        Assert.Contains("40 characters", tooLong.Message);
        var tooManyTokens = Assert.Throws<ArgumentException>(() => new PanEnv(_model, new PanEnvOptions([new string('a', 40)], maxActionLength: 100)));
        Assert.Contains("40 tokens", tooManyTokens.Message);
    }

    [Fact]
    public void A_thousand_closed_loop_steps_keep_memory_steady()
    {
        using var env = new PanEnv(_model, TinyWorld.Options(sampling: new(steps: 1, temperature: 0)));
        env.Reset(TinyWorld.Frame(6), seed: 0);
        var statistics = DisposeScopeManager.Statistics;
        var live = new List<long>();
        var turns = new HashSet<int>();
        var candidates = ShapesWorldAction.Candidates;
        long rssBefore = Environment.WorkingSet;
        for (int step = 0; step < 1000; step++)
        {
            var result = env.Step(candidates[step % candidates.Count]);
            live.Add(statistics.ThreadTotalLiveCount);
            turns.Add((int)result.Info["turns"]!);
        }
        long rssAfter = Environment.WorkingSet;
        Console.WriteLine($"PanEnv 1000 steps: live tensors {live[10]} at step 10, {live[^1]} at step 1000 (min {live.Skip(10).Min()}, max {live.Skip(10).Max()}); " +
            $"RSS {rssBefore / 1048576.0:F0} -> {rssAfter / 1048576.0:F0} MiB; history turns {turns.Min()}..{turns.Max()}");
        Assert.Equal(live[10], live.Skip(10).Max());
        Assert.Equal(live[10], live[^1]);
        Assert.True(turns.Max() <= PanGym.WorldModel.HistoryWindow.For(_model.Config.Dynamics).MaxTurns);
    }
}
