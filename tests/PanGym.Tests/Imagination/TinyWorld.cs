using PanGym.Envs;
using PanGym.Gym;
using PanGym.Imagination;
using PanGym.WorldModel;

namespace PanGym.Tests.Imagination;

/// <summary>An untrained Tiny world model (mechanics only) and 32×32 ShapesWorld frames to start it from.</summary>
internal static class TinyWorld
{
    public static PanGym.WorldModel.WorldModel Model(int seed = 0)
    {
        var model = PanGym.WorldModel.WorldModel.Create(WorldModelConfig.Tiny, seed);
        model.eval();
        return model;
    }

    public static ShapesWorld Env() => new(ShapesWorldConfig.Small);

    public static Image Frame(int seed)
    {
        using var env = Env();
        return env.Reset(seed).Observation;
    }

    /// <summary>Start frames drawn from ShapesWorld with the environment's generator (for resets without a frame).</summary>
    public static Image DrawStart(Random random) => Frame(random.Next());

    /// <summary>Fast decoding for tests: two deterministic Euler steps.</summary>
    public static FlowSamplingOptions FastSampling { get; } = new(steps: 2, temperature: 0);

    public static PanEnvOptions Options(IImaginedReward? reward = null, bool enforce = false, HistoryWindow? history = null, FlowSamplingOptions? sampling = null) =>
        new(ShapesWorldAction.Candidates, enforce, sampling: sampling ?? FastSampling, reward: reward, startObservations: DrawStart, history: history);
}
