using PanGym.Evaluation;
using PanGym.Gym;

namespace PanGym.Envs;

/// <summary>Wraps a ground-truth environment for evaluation: <c>using var simulator = GroundTruthSimulators.For(registry.Make("ShapesWorld-v0", kwargs));</c></summary>
public static class GroundTruthSimulators
{
    /// <summary>
    /// The <see cref="IGroundTruthSimulator"/> of <paramref name="env"/> from <see cref="GroundTruthRegistry.Default"/> (wrappers
    /// are looked through; the simulator owns the environment): ShapesWorld under <see cref="ShapesWorldExploration"/>,
    /// MomentumWorld under <see cref="MomentumWorldExploration"/>, which hides the ball's velocity, and whatever was registered.
    /// </summary>
    /// <exception cref="ArgumentException">An environment whose type is not registered; the message says how to register it.</exception>
    public static IGroundTruthSimulator For(Env<Image, string> env) => GroundTruthRegistry.Default.SimulatorFor(env);
}
