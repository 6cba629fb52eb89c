using PanGym.Data;
using PanGym.Gym;

namespace PanGym.Envs;

/// <summary>
/// The default exploration policy of each ground-truth environment, for <see cref="EpisodeGenerator"/>:
/// <c>new EpisodeGenerator(() =&gt; new ShapesWorld(ShapesWorldConfig.Small), GroundTruthExploration.PolicyFor)</c>.
/// </summary>
public static class GroundTruthExploration
{
    /// <summary>
    /// <see cref="ShapesWorldExploration"/> for ShapesWorld, <see cref="MomentumWorldExploration"/> for MomentumWorld
    /// (wrappers are looked through), with their default settings.
    /// </summary>
    /// <exception cref="ArgumentException">Another environment: write an <see cref="IExplorationPolicy"/> for it.</exception>
    public static IExplorationPolicy PolicyFor(Env<Image, string> env)
    {
        ArgumentNullException.ThrowIfNull(env);
        return env.Unwrapped switch
        {
            ShapesWorld shapes => new ShapesWorldExploration(shapes),
            MomentumWorld => new MomentumWorldExploration(),
            var other => throw new ArgumentException($"No exploration policy is built in for {other}: write an IExplorationPolicy for it.", nameof(env)),
        };
    }
}
