using PanGym.Gym;
using PanGym.Imagination;
using PanGym.Planning;

namespace PanGym.Envs;

/// <summary>
/// ShapesWorld's goal tasks as an <see cref="IGoalTaskSource"/> (what <c>pangym plan</c> runs): the starts the BFS expert
/// solves within the budget, the true simulator with the dense distance reward, the goal frame and the probe rewards of
/// <see cref="ShapesWorldGoalTasks"/>. It owns the environment.
/// </summary>
/// <param name="env">The environment (owned).</param>
public sealed class ShapesWorldGoalTaskSource(ShapesWorld env) : IGoalTaskSource
{
    readonly ShapesWorld _env = env ?? throw new ArgumentNullException(nameof(env));

    /// <summary>The environment, with its geometry.</summary>
    public ShapesWorld Shapes => _env;

    /// <inheritdoc />
    public string Name => "ShapesWorld";

    /// <inheritdoc />
    public string Goal => "bring the named shape into the grey square";

    /// <inheritdoc />
    public int DefaultMaxSteps => ShapesWorldGoalTasks.DefaultMaxSteps;

    /// <inheritdoc />
    public IReadOnlyList<string> CandidateActions => ShapesWorldAction.Candidates;

    /// <inheritdoc />
    public Env<Image, string> Environment => _env;

    /// <inheritdoc />
    public IReadOnlyList<int> Seeds(int count, int maxSteps, int firstSeed = 0) => ShapesWorldGoalTasks.Seeds(_env.Config, count, maxSteps, firstSeed);

    /// <inheritdoc />
    public IPlanningModel TrueModel() => ShapesWorldGoalTasks.TrueModel(_env);

    /// <inheritdoc />
    public Image? GoalFrame(IReadOnlyDictionary<string, object?> info) => ShapesWorldGoalTasks.GoalFrame(_env, info);

    /// <inheritdoc />
    public IImaginedReward? ProbeReward(IReadOnlyDictionary<string, object?> info) => ShapesWorldGoalTasks.ProbeDistanceReward(_env, info);

    /// <inheritdoc />
    public IImaginedReward? ProbeGoalTest(IReadOnlyDictionary<string, object?> info) => ShapesWorldGoalTasks.ProbeReward(_env, info);

    /// <summary>Disposes the environment.</summary>
    public void Dispose() => _env.Dispose();
}
