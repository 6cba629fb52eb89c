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
    /// <exception cref="KeyNotFoundException">The id is not registered (thrown when a simulator is made).</exception>
    public static Func<int, IGroundTruthSimulator> At(EnvRegistry registry, string id)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        return size => For(registry.Make(id, new Dictionary<string, object?> { ["size"] = size }));
    }

    /// <summary>
    /// The <see cref="IGroundTruthSimulator"/> of <paramref name="env"/> (wrappers are looked through; the simulator owns
    /// the environment): ShapesWorld under <see cref="ShapesWorldExploration"/>, MomentumWorld under
    /// <see cref="MomentumWorldExploration"/>, which hides the ball's velocity.
    /// </summary>
    /// <exception cref="ArgumentException">Another environment.</exception>
    public static IGroundTruthSimulator For(Env<Image, string> env)
    {
        ArgumentNullException.ThrowIfNull(env);
        string name = env.Spec?.Id ?? env.Unwrapped.GetType().Name;
        return env.Unwrapped switch
        {
            ShapesWorld shapes => new GroundTruthSimulator<ShapesWorldState, ShapesWorldAction>(shapes, new ShapesWorldExploration(shapes), name, hasHiddenState: false),
            MomentumWorld momentum => new GroundTruthSimulator<MomentumWorldState, MomentumWorldAction>(momentum, new MomentumWorldExploration(), name, hasHiddenState: true),
            var other => throw new ArgumentException($"{other} is not a ground-truth environment the evaluation knows (ShapesWorld, MomentumWorld).", nameof(env)),
        };
    }
}
