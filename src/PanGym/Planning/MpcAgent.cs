using PanGym.Gym;

namespace PanGym.Planning;

/// <summary>
/// Model-predictive control: at every step the agent brings its model up to the real episode (the first observation
/// starts it, later ones follow the executed action), re-plans from scratch (or from the planner's warm start) and
/// executes only the first action of the plan.
/// </summary>
public sealed class MpcAgent : ITextPolicy
{
    readonly IReadOnlyList<string> _candidates;
    string? _lastAction;

    /// <summary>An agent planning with <paramref name="planner"/> over <paramref name="candidates"/> against <paramref name="model"/>.</summary>
    /// <exception cref="ArgumentException">The candidate list is empty.</exception>
    public MpcAgent(IPlanningModel model, IPlanner planner, IReadOnlyList<string> candidates)
    {
        Model = model ?? throw new ArgumentNullException(nameof(model));
        Planner = planner ?? throw new ArgumentNullException(nameof(planner));
        CemPlanner.CheckCandidates(candidates);
        _candidates = candidates.ToArray();
    }

    /// <summary>The model plans are scored with.</summary>
    public IPlanningModel Model { get; }

    /// <summary>The planner.</summary>
    public IPlanner Planner { get; }

    /// <summary>The candidate actions.</summary>
    public IReadOnlyList<string> Candidates => _candidates;

    /// <summary>The last decision's plan (null before the first).</summary>
    public PlanResult? LastPlan { get; private set; }

    /// <summary>Decisions made since the agent was created.</summary>
    public int Decisions { get; private set; }

    /// <summary>Time spent planning since the agent was created.</summary>
    public TimeSpan PlanningTime { get; private set; }

    /// <inheritdoc />
    public void Reset()
    {
        _lastAction = null;
        LastPlan = null;
        Planner.Reset();
    }

    /// <inheritdoc />
    public string Act(Image observation, IReadOnlyDictionary<string, object?> info)
    {
        ArgumentNullException.ThrowIfNull(observation);
        if (_lastAction is null) Model.Begin(observation, info);
        else Model.Advance(_lastAction, observation, info);
        var plan = Planner.Plan(Model, _candidates);
        if (plan.Actions.Count == 0) throw new InvalidOperationException("The planner returned an empty plan.");
        LastPlan = plan;
        Decisions++;
        PlanningTime += plan.Elapsed;
        _lastAction = plan.Actions[0];
        return _lastAction;
    }
}
