using PanGym.Gym;
using PanGym.Imagination;
using PanGym.WorldModel;

namespace PanGym.Planning;

/// <summary>
/// The reward planning scores a goal image with: the environment's own probe reward where it gives one, and otherwise
/// <see cref="MultiScaleGoalReward"/>, which needs nothing but the world model and the goal frame.
/// </summary>
public static class GoalImageRewards
{
    /// <summary>The name of the probe-free default (as <c>pangym plan --reward</c> spells it).</summary>
    public const string MultiScale = "multiscale";

    /// <summary>The name of an environment's probe reward.</summary>
    public const string Probe = "probe";

    /// <summary>Which reward <see cref="Default"/> picks: <see cref="Probe"/> where one is available, else <see cref="MultiScale"/>.</summary>
    public static string DefaultName(bool probeAvailable) => probeAvailable ? Probe : MultiScale;

    /// <summary>
    /// <paramref name="probe"/>'s reward when it is given, otherwise a <see cref="MultiScaleGoalReward"/> towards
    /// <paramref name="goal"/> with its default scales.
    /// </summary>
    /// <param name="model">The world model whose pixel convention the goal frame is converted by.</param>
    /// <param name="goal">The goal image.</param>
    /// <param name="probe">The environment's probe reward, if it has one.</param>
    public static IImaginedReward Default(PanWorldModel model, Image goal, Func<IImaginedReward>? probe = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(goal);
        return probe?.Invoke() ?? MultiScaleGoalReward.FromImage(model, goal);
    }

    /// <summary>
    /// A planning model for goal images: each episode's reward is <see cref="Default"/> towards the goal
    /// <paramref name="goalFor"/> gives (with <paramref name="probeFor"/>'s reward where given), and imagined frames are
    /// snapped to the start frame's flat colours where it has a palette (<see cref="ColourPalette.FromFrames"/>).
    /// </summary>
    public static WorldModelPlanningModel PlanningModel(PanWorldModel model, Func<Image, IReadOnlyDictionary<string, object?>, Image> goalFor,
        Func<Image, IReadOnlyDictionary<string, object?>, IImaginedReward>? probeFor = null, ImaginationOptions? imagination = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(goalFor);
        return new WorldModelPlanningModel(model,
            (start, info) => Default(model, goalFor(start, info), probeFor is null ? null : () => probeFor(start, info)),
            imagination, paletteFromStart: true);
    }
}
