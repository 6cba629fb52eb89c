using PanGym.Gym;
using PanGym.Imagination;
using PanGym.WorldModel;

namespace PanGym.Tests.Imagination;

public sealed class PanVectorEnvTests : IDisposable
{
    readonly PanGym.WorldModel.PanWorldModel _model = TinyWorld.Model(seed: 5);

    public void Dispose() => _model.Dispose();

    // Deterministic decoding (no noise at all), so that batched and single environments can agree frame for frame.
    static readonly FlowSamplingOptions Deterministic = new(steps: 2, temperature: 0, contextNoise: 0);

    [Fact]
    public void Stepping_N_episodes_in_one_batch_matches_N_single_environments()
    {
        var starts = new[] { TinyWorld.Frame(1), TinyWorld.Frame(2), TinyWorld.Frame(3) };
        var actions = new[] { "move the red circle left", "wait", "move the blue square up" };
        using var vector = new PanVectorEnv(_model, 3, TinyWorld.Options(sampling: Deterministic));
        var reset = vector.Reset(starts, seed: 0);
        Assert.Equal(starts, reset.Observations);

        var batched = new List<Image[]>();
        for (int step = 0; step < 3; step++) batched.Add(vector.Step(actions).Observations);

        for (int i = 0; i < 3; i++)
        {
            using var single = new PanEnv(_model, TinyWorld.Options(sampling: Deterministic));
            single.Reset(starts[i], seed: 0);
            for (int step = 0; step < 3; step++)
            {
                var frame = single.Step(actions[i]).Observation;
                int largest = frame.Data.Zip(batched[step][i].Data).Max(p => Math.Abs(p.First - p.Second));
                Assert.True(largest <= 1, $"env {i} step {step}: batched and single frames differ by {largest} levels");
            }
        }
    }

    [Fact]
    public void A_terminated_episode_rides_along_frozen_until_the_next_reset()
    {
        // The second environment terminates on its first step.
        var reward = new DelegateReward(step => new StepRewards([1, 1], [false, step.Step == 0]));
        using var vector = new PanVectorEnv(_model, 2, TinyWorld.Options(reward, sampling: Deterministic));
        vector.Reset(seed: 3);

        var first = vector.Step(["wait", "wait"]);
        Assert.Equal([false, true], first.Terminations);
        var second = vector.Step(["wait", "not a candidate but ignored!"]);
        Assert.Equal([1.0, 0.0], second.Rewards);
        Assert.Equal([false, true], second.Terminations);
        Assert.Equal(first.Observations[1], second.Observations[1]);
        Assert.Null(second.Infos[1]["action"]);
        Assert.Equal(2, (int)second.Infos[0]["turns"]!);
    }

    [Fact]
    public void Bad_input_gives_clear_errors()
    {
        using var vector = new PanVectorEnv(_model, 2, TinyWorld.Options(enforce: true));
        Assert.Throws<ResetNeededException>(() => vector.Step(["wait", "wait"]));
        Assert.Contains("one start frame per sub-environment (2)", Assert.Throws<ArgumentException>(() => vector.Reset([TinyWorld.Frame(0)])).Message);
        Assert.Contains("expected 32×32", Assert.Throws<ArgumentException>(() => vector.Reset([TinyWorld.Frame(0), new Image(16, 16)])).Message);
        vector.Reset(seed: 0);
        Assert.Contains("one action per sub-environment", Assert.Throws<ArgumentException>(() => vector.Step(["wait"])).Message);
        Assert.Contains("action of sub-environment 1", Assert.Throws<ArgumentException>(() => vector.Step(["wait", "jump"])).Message);
        Assert.Contains("StartObservations", Assert.Throws<ArgumentException>(() => new PanVectorEnv(_model, 2).Reset(seed: 0)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new PanVectorEnv(_model, 0));
    }
}
