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
    /// The policy <see cref="GroundTruthRegistry.Default"/> holds for <paramref name="env"/> (wrappers are looked through):
    /// <see cref="ShapesWorldExploration"/> for ShapesWorld, <see cref="MomentumWorldExploration"/> for MomentumWorld, with
    /// their default settings, and whatever was registered.
    /// </summary>
    /// <exception cref="ArgumentException">An environment whose type is not registered; the message says how to register it.</exception>
    public static IExplorationPolicy PolicyFor(Env<Image, string> env) => GroundTruthRegistry.Default.PolicyFor(env);
}
