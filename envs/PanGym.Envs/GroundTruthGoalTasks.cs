using System.Globalization;
using PanGym.Gym;
using PanGym.Imagination;
using PanGym.Planning;
using PanGym.WorldModel;

namespace PanGym.Envs;

/// <summary>
/// Goal tasks over any <see cref="GroundTruthEnv{TState, TAction}"/>: the seeds whose start a breadth-first search over the
/// candidate actions (through the environment's own <c>Transition</c>) solves within the step budget, the true simulator
/// scored by the environment's own <c>ComputeReward(state, action, next)</c> and <c>ComputeTerminated</c>, and, when given,
/// a goal frame and a reward read off imagined frames by the state probe.
/// </summary>
/// <remarks>
/// Return one from <see cref="IGoalTaskProvider.CreateGoalTasks"/> on your environment, or register it with
/// <see cref="GroundTruthRegistry.RegisterGoalTasks"/>; <c>pangym plan --env &lt;id&gt;</c> then runs it. The search counts
/// states with the same object positions as one (pass <c>stateKey</c> when the state holds more, such as a velocity) and
/// gives up on a start after <see cref="SearchLimit"/> states. The source owns the environment and disposes it.
/// </remarks>
/// <typeparam name="TState">The environment's true state.</typeparam>
/// <typeparam name="TAction">The environment's parsed action.</typeparam>
/// <param name="env">The environment (owned).</param>
/// <param name="name">The name in tables; null for the type's name.</param>
/// <param name="goal">The goal in words; null for the environment's <c>DescribeGoal</c> of its first task.</param>
/// <param name="defaultMaxSteps">The step budget of a task unless one is given.</param>
/// <param name="solvedState">The start state with the goal reached (the goal frame); null for no goal frame.</param>
/// <param name="probeOutcome">The reward and termination of an imagined frame, from the start state and the objects the probe finds
/// in it; null for no probe reward.</param>
/// <param name="stateKey">What makes two states the same for the search; null for their object positions.</param>
public sealed class GroundTruthGoalTasks<TState, TAction>(
    GroundTruthEnv<TState, TAction> env,
    string? name = null,
    string? goal = null,
    int defaultMaxSteps = GroundTruthGoalTasks<TState, TAction>.DefaultStepBudget,
    Func<TState, TState>? solvedState = null,
    Func<TState, IReadOnlyList<ProbedObject>, StepOutcome>? probeOutcome = null,
    Func<TState, object>? stateKey = null) : IGoalTaskSource
    where TState : class
    where TAction : notnull
{
    /// <summary>The default step budget of a task.</summary>
    public const int DefaultStepBudget = 20;

    /// <summary>The most states the solvability search visits from one start.</summary>
    public const int SearchLimit = 100_000;

    readonly GroundTruthEnv<TState, TAction> _env = env ?? throw new ArgumentNullException(nameof(env));
    readonly Func<TState, object> _key = stateKey ?? (state => PositionsKey(env.ObjectPositions(state)));
    readonly string? _goal = goal;

    /// <inheritdoc />
    public string Name { get; } = name ?? env.GetType().Name;

    /// <inheritdoc />
    public string Goal => _goal ?? (_env.Reset(0).Info["goal"] as string ?? "reach the goal");

    /// <inheritdoc />
    public int DefaultMaxSteps { get; } = defaultMaxSteps >= 1 ? defaultMaxSteps : throw new ArgumentOutOfRangeException(nameof(defaultMaxSteps), defaultMaxSteps, "A task needs at least one step.");

    /// <inheritdoc />
    public IReadOnlyList<string> CandidateActions => _env.ActionSpace is Gym.Spaces.TextSpace { Candidates.Count: > 0 } text ? text.Candidates
        : throw new InvalidOperationException($"{Name} lists no candidate actions; goal tasks plan over them.");

    /// <inheritdoc />
    public Env<Image, string> Environment => _env;

    /// <inheritdoc />
    public IReadOnlyList<int> Seeds(int count, int maxSteps, int firstSeed = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSteps, 1);
        var seeds = new List<int>();
        for (int seed = firstSeed; seeds.Count < count; seed++)
        {
            if (seed - firstSeed > 100 * count)
                throw new InvalidOperationException($"{Name}: fewer than {count} tasks solvable within {maxSteps} steps among {100 * count} seeds from {firstSeed}.");
            _env.Reset(seed);
            if (StepsToGoal(_env.State, maxSteps) is not null) seeds.Add(seed);
        }
        return seeds;
    }

    /// <summary>The fewest candidate actions that reach the goal from <paramref name="start"/>, or null beyond <paramref name="maxSteps"/> (or the search limit); 0 when it is reached.</summary>
    public int? StepsToGoal(TState start, int maxSteps)
    {
        ArgumentNullException.ThrowIfNull(start);
        if (_env.IsSuccess(start)) return 0;
        var actions = CandidateActions.Select(_env.ParseAction).ToArray();
        var seen = new HashSet<object> { _key(start) };
        var frontier = new List<TState> { start };
        for (int depth = 1; depth <= maxSteps && frontier.Count > 0; depth++)
        {
            var next = new List<TState>();
            foreach (var state in frontier)
                foreach (var action in actions)
                {
                    var reached = _env.Transition(state, action);
                    if (_env.IsSuccess(reached)) return depth;
                    if (seen.Add(_key(reached))) next.Add(reached);
                    if (seen.Count > SearchLimit) return null;
                }
            frontier = next;
        }
        return null;
    }

    /// <inheritdoc />
    public IPlanningModel TrueModel() => new SimulatorPlanningModel<TState>(
        (state, action) => _env.Transition(state, _env.ParseAction(action)),
        (state, action, next) =>
        {
            var parsed = _env.ParseAction(action);
            return new StepOutcome(_env.ComputeReward(state, parsed, next), _env.ComputeTerminated(next));
        });

    /// <inheritdoc />
    public Image? GoalFrame(IReadOnlyDictionary<string, object?> info) => solvedState is null ? null : _env.Draw(solvedState(StateOf(info)));

    /// <inheritdoc />
    public IImaginedReward? ProbeReward(IReadOnlyDictionary<string, object?> info)
    {
        if (probeOutcome is null) return null;
        var start = StateOf(info);
        return new DelegateReward(step =>
        {
            var outcomes = Outcomes(step, start);
            return new StepRewards([.. outcomes.Select(o => o.Reward)], [.. outcomes.Select(o => o.Terminated)]);
        }, needsFrames: true);
    }

    /// <inheritdoc />
    public IImaginedReward? ProbeGoalTest(IReadOnlyDictionary<string, object?> info)
    {
        if (probeOutcome is null) return null;
        var start = StateOf(info);
        return new DelegateReward(step =>
        {
            var outcomes = Outcomes(step, start);
            return new StepRewards([.. outcomes.Select(o => GoalReward.For(o.Terminated))], [.. outcomes.Select(o => o.Terminated)]);
        }, needsFrames: true);
    }

    /// <summary>Disposes the environment.</summary>
    public void Dispose() => _env.Dispose();

    StepOutcome[] Outcomes(ImaginedStep step, TState start) =>
        [.. PanWorldModel.FromModelPixels(step.Frames!).Select(frame => probeOutcome!(start, _env.StateProbe.Probe(frame)))];

    TState StateOf(IReadOnlyDictionary<string, object?> info) =>
        info is not null && info.TryGetValue("state", out var value) && value is TState state
            ? state
            : throw new ArgumentException($"The info carries no {typeof(TState).Name} \"state\"; {Name}'s goal tasks start from its Reset.", nameof(info));

    static string PositionsKey(IReadOnlyDictionary<string, (double X, double Y)> positions) =>
        string.Join(";", positions.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key}:{p.Value.X:R},{p.Value.Y:R}")));
}
