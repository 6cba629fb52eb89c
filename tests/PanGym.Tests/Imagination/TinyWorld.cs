using PanGym.Envs;
using PanGym.Gym;
using PanGym.Imagination;
using PanGym.WorldModel;

namespace PanGym.Tests.Imagination;

/// <summary>An untrained Tiny world model (mechanics only) and 32×32 ShapesWorld frames to start it from.</summary>
/// <remarks>
/// A fresh decoder predicts "no change" whatever its noise and state; the model's decoder output layers get small random
/// weights so that frames depend on the sampling noise and on the predicted state, as a trained model's do.
/// </remarks>
internal static class TinyWorld
{
    public static PanGym.WorldModel.PanWorldModel Model(int seed = 0)
    {
        var model = PanGym.WorldModel.PanWorldModel.Create(WorldModelConfig.Tiny, seed);
        using (TorchSharp.torch.no_grad())
        {
            using var generator = new TorchSharp.torch.Generator((ulong)seed + 100);
            foreach (var (name, parameter) in model.Decoder.named_parameters().Where(p => p.name.StartsWith("final_", StringComparison.Ordinal)))
                parameter.copy_(TorchSharp.torch.randn(parameter.shape, generator: generator) * 0.05);
        }
        model.eval();
        return model;
    }

    /// <summary>
    /// <see cref="Model"/> whose dynamics also moves: its output projection (zero in a fresh model, so that ŝ = s) gets
    /// small random weights, so that predicted states differ from the states read and imagination paths can diverge.
    /// </summary>
    public static PanGym.WorldModel.PanWorldModel MovingModel(int seed = 0)
    {
        var model = Model(seed);
        using (TorchSharp.torch.no_grad())
        {
            using var generator = new TorchSharp.torch.Generator((ulong)seed + 4);
            foreach (var (_, parameter) in model.Dynamics.named_parameters().Where(p => p.name.StartsWith("stateOut", StringComparison.Ordinal)))
                parameter.copy_(TorchSharp.torch.randn(parameter.shape, generator: generator) * 0.05);
        }
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

    /// <summary>Fast, fully deterministic decoding (no starting noise, no context noise): rows imagine the same frames in any batch.</summary>
    public static FlowSamplingOptions DeterministicSampling { get; } = new(steps: 2, temperature: 0, contextNoise: 0);

    public static PanEnvOptions Options(IImaginedReward? reward = null, bool enforce = false, HistoryWindow? history = null, FlowSamplingOptions? sampling = null,
        ClosedLoop closedLoop = ClosedLoop.Reencode) =>
        new(ShapesWorldAction.Candidates, enforce, rollout: new RolloutOptions(closedLoop, sampling ?? FastSampling, history), reward: reward, startObservations: DrawStart);
}
