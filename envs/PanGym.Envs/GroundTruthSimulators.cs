using PanGym.Evaluation;
using PanGym.Gym;

namespace PanGym.Envs;

/// <summary>Wraps a ground-truth environment for evaluation: <c>using var simulator = GroundTruthSimulators.For(registry.Make("ShapesWorld-v0", kwargs));</c></summary>
public static class GroundTruthSimulators
{
    /// <summary>
    /// Makes <paramref name="id"/>'s simulator at a frame size, as the experiments ask for one once they know the model's
    /// (<c>EvaluationRun.Open(options, GroundTruthSimulators.At(registry, "ShapesWorld-v0"))</c>).
    /// </summary>
    /// <param name="registry">Where <paramref name="id"/> is made.</param>
    /// <param name="id">The environment's id.</param>
    /// <param name="simulators">Which simulators and exploration policies are known; null for <see cref="GroundTruthRegistry.Default"/>.</param>
    /// <exception cref="KeyNotFoundException">The id is not registered (thrown when a simulator is made).</exception>
    public static Func<int, IGroundTruthSimulator> At(EnvRegistry registry, string id, GroundTruthRegistry? simulators = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        var known = simulators ?? GroundTruthRegistry.Default;
        return size => known.SimulatorFor(registry.Make(id, new Dictionary<string, object?> { ["size"] = size }));
    }

    /// <summary>
    /// The <see cref="IGroundTruthSimulator"/> of <paramref name="env"/> from <see cref="GroundTruthRegistry.Default"/> (wrappers
    /// are looked through; the simulator owns the environment): ShapesWorld under <see cref="ShapesWorldExploration"/>,
    /// MomentumWorld under <see cref="MomentumWorldExploration"/>, which hides the ball's velocity, and whatever was registered.
    /// </summary>
    /// <exception cref="ArgumentException">An environment whose type is not registered; the message says how to register it.</exception>
    public static IGroundTruthSimulator For(Env<Image, string> env) => GroundTruthRegistry.Default.SimulatorFor(env);
}
