using PanGym.Gym;
using PanGym.Imagination;

namespace PanGym.Planning;

/// <summary>
/// An environment with goal tasks, as <see cref="GoalTaskEvaluation"/> and <c>pangym plan</c> run them: seeded starts whose
/// goal is reachable within a step budget, the real environment they run in (episodes terminate on reaching the goal),
/// the true simulator as a planning model (the ceiling), and what a world model's reward can be built from.
/// </summary>
/// <remarks>Disposing the source disposes <see cref="Environment"/>.</remarks>
public interface IGoalTaskSource : IDisposable
{
    /// <summary>The environment's short name for tables and headers (for example "ShapesWorld").</summary>
    string Name { get; }

    /// <summary>The goal in words, for example "bring the named shape into the grey square".</summary>
    string Goal { get; }

    /// <summary>The step budget of a task unless one is given.</summary>
    int DefaultMaxSteps { get; }

    /// <summary>The candidate actions planners and the random baseline choose from.</summary>
    IReadOnlyList<string> CandidateActions { get; }

    /// <summary>The real environment the tasks run in; <c>Reset(seed)</c> fixes a task and reaching the goal terminates.</summary>
    Env<Image, string> Environment { get; }

    /// <summary>The seeds of the first <paramref name="count"/> tasks from <paramref name="firstSeed"/> on that can be solved within <paramref name="maxSteps"/> steps.</summary>
    IReadOnlyList<int> Seeds(int count, int maxSteps, int firstSeed = 0);

    /// <summary>The true simulator as a planning model, following the real episode's state: the ceiling a world model can approach.</summary>
    IPlanningModel TrueModel();

    /// <summary>The episode's goal frame (its start with the goal reached), for goal-image rewards; null when the environment cannot draw one.</summary>
    Image? GoalFrame(IReadOnlyDictionary<string, object?> info);

    /// <summary>
    /// A dense reward read off imagined frames by the environment's state probe, for planning with a world model (progress
    /// toward the goal, terminating on reaching it); null when the source has none.
    /// </summary>
    IImaginedReward? ProbeReward(IReadOnlyDictionary<string, object?> info);

    /// <summary>
    /// The environment's own goal reward (success or a step penalty) read off imagined frames by its probe, for policy
    /// evaluation in imagination; null when the source has none.
    /// </summary>
    IImaginedReward? ProbeGoalTest(IReadOnlyDictionary<string, object?> info);
}
