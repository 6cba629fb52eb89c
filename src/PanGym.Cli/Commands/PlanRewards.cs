using PanGym.Envs;
using PanGym.Imagination;
using PanGym.Planning;
using PanGym.WorldModel;

namespace PanGym.Cli.Commands;

/// <summary>The world-model rewards <c>pangym plan --reward</c> offers, by name.</summary>
internal static class PlanRewards
{
    /// <summary>The choices, <c>auto</c> first.</summary>
    public static IReadOnlyList<string> Names { get; } = ["auto", GoalImageRewards.Probe, GoalImageRewards.MultiScale, "pixel", "latent", "latent-probe"];

    /// <summary>The option's help text.</summary>
    public const string Description =
        "World-model reward: auto (the environment's probe when it has one, else multiscale), probe (decode each imagined frame with --decode-steps " +
        "and probe the target's distance from the goal), multiscale (the decoded frame's distance to the goal frame over a pyramid of blurs; needs no " +
        "probe), pixel (plain pixel distance to the goal frame), latent (distance to the goal frame's latent) or latent-probe (the target's position " +
        "read out of the latent by a linear probe fitted on encoded frames). The latent rewards skip decoding but guide the planner poorly (see README).";

    /// <summary>The reward <paramref name="given"/> names, <c>auto</c> still unresolved (see <see cref="Resolve"/>).</summary>
    public static string Parse(string given)
    {
        string name = given.Trim().ToLowerInvariant();
        if (!Names.Contains(name)) throw new ArgumentException($"--reward must be one of {string.Join(", ", Names)}; got \"{given}\".");
        return name;
    }

    /// <summary><paramref name="name"/> with <c>auto</c> resolved by <see cref="GoalImageRewards.DefaultName"/>.</summary>
    public static string Resolve(string name, bool probeAvailable) => name == "auto" ? GoalImageRewards.DefaultName(probeAvailable) : name;

    /// <summary>Whether the reward reads decoded frames (so --decode-steps and --palette apply).</summary>
    public static bool ReadsFrames(string name) => name is GoalImageRewards.Probe or GoalImageRewards.MultiScale or "pixel";

    /// <summary>The episode's reward, from the goal-task source's goal frame or probe.</summary>
    public static IImaginedReward Create(string name, PanWorldModel model, IGoalTaskSource source, IReadOnlyDictionary<string, object?> info, ShapesWorldLatentProbe? latentProbe) => name switch
    {
        "latent" => LatentGoalReward.FromImage(model, source.GoalFrame(info)!),
        "latent-probe" => latentProbe!.GoalReward(info),
        GoalImageRewards.MultiScale => GoalImageRewards.Default(model, source.GoalFrame(info)!),
        "pixel" => PixelGoalReward.FromImage(model, source.GoalFrame(info)!),
        _ => source.ProbeReward(info)!,
    };
}
