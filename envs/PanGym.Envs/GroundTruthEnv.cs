using PanGym.Data;
using PanGym.Evaluation;
using PanGym.Gym;
using PanGym.Gym.Spaces;

namespace PanGym.Envs;

/// <summary>
/// The skeleton the ground-truth environments share: a square RGB frame as observation, free text as action (parsed
/// forgivingly by the subclass; the candidates are listed in a <see cref="TextSpace"/> but not enforced), a true state
/// that the subclass transitions and draws with pure functions, and by default the <see cref="GoalReward"/> scheme.
/// </summary>
/// <remarks>
/// <para>Info, after <c>Reset</c> and every <see cref="Step"/>: <c>"goal"</c> (text), <c>"state"</c> (the
/// <typeparamref name="TState"/>), <c>"is_success"</c> (bool); after a step also <c>"action"</c>, the canonical text of
/// the parsed action. By default a step that reaches the goal terminates the episode; stepping on afterwards keeps simulating.</para>
/// <para>A new environment overrides <see cref="ComputeReward"/>, <see cref="ComputeTerminated"/> and
/// <see cref="ComputeTruncated"/> (Gymnasium-Robotics' <c>GoalEnv</c> names) for a reward or an ending of its own, and keeps
/// the rest. Its state must be immutable with value equality (a record), and <see cref="Transition"/> pure and deterministic:
/// the evaluation and the true-simulator planner replay transitions from copies of the state, and
/// <see cref="GroundTruthSimulator{TState, TAction}"/> refuses a state that does not round-trip.</para>
/// </remarks>
/// <typeparam name="TState">The true state (an immutable record).</typeparam>
/// <typeparam name="TAction">The parsed action (a record whose <c>ToString</c> is its canonical text).</typeparam>
public abstract class GroundTruthEnv<TState, TAction> : Env<Image, string>, ISimulatedEnvironment
    where TState : class
    where TAction : notnull
{
    TState? _state;

    /// <summary>Sets up the spaces for <paramref name="size"/>-square frames and the candidate actions.</summary>
    protected GroundTruthEnv(int size, IReadOnlyList<string> candidateActions)
    {
        ObservationSpace = new ImageSpace(size, size);
        ActionSpace = new TextSpace(maxLength: 100, candidates: candidateActions);
    }

    /// <inheritdoc />
    public override Space<Image> ObservationSpace { get; }

    /// <summary>Free text, with the environment's fixed candidate actions (not enforced: forgiving variants parse too).</summary>
    public override Space<string> ActionSpace { get; }

    /// <summary>A probe that reads the true state back out of this environment's frames.</summary>
    public abstract IStateProbe StateProbe { get; }

    /// <summary>The current true state; a subclass may replace it mid-episode (an event of its own, for example).</summary>
    /// <exception cref="ResetNeededException">Before the first <c>Reset</c>.</exception>
    public TState State
    {
        get => _state ?? throw new ResetNeededException($"{GetType().Name} has no state before Reset: call Reset(seed) first.");
        protected set => _state = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>
    /// Parses <paramref name="action"/> (see <see cref="ParseAction"/>), applies it with <see cref="Transition"/>, and scores
    /// the step with <see cref="ComputeReward"/>, <see cref="ComputeTerminated"/> and <see cref="ComputeTruncated"/>.
    /// </summary>
    /// <exception cref="ResetNeededException">Before the first <c>Reset</c>.</exception>
    /// <exception cref="UnknownActionException">The action is not understood; the state is unchanged.</exception>
    /// <exception cref="InvalidOperationException"><see cref="ComputeReward"/> returned NaN or an infinity.</exception>
    public override StepResult<Image> Step(string action)
    {
        if (_state is null) throw new ResetNeededException($"Cannot call Step before Reset on {GetType().Name}: call Reset(seed) first.");
        var parsed = ParseAction(action);
        var previous = _state;
        var next = Transition(previous, parsed);
        double reward = ComputeReward(previous, parsed, next);
        if (!double.IsFinite(reward))
            throw new InvalidOperationException($"{GetType().Name}.ComputeReward returned {reward} for \"{parsed}\"; a reward must be a finite number.");
        _state = next;
        var info = Info(next, IsSuccess(next));
        info["action"] = parsed.ToString();
        return new StepResult<Image>(Draw(next), reward, ComputeTerminated(next), ComputeTruncated(next), info);
    }

    /// <summary>
    /// The reward of the step from <paramref name="state"/> by <paramref name="action"/> to <paramref name="next"/> (Gymnasium-Robotics'
    /// <c>compute_reward</c>); by default <see cref="GoalReward.For"/> whether <paramref name="next"/> reaches the goal. Override
    /// it for a reward of your own, read from the true states; keep it pure, since planners call it on imagined states too.
    /// </summary>
    public virtual double ComputeReward(TState state, TAction action, TState next) => GoalReward.For(IsSuccess(next));

    /// <summary>Whether reaching <paramref name="state"/> ends the episode (<c>compute_terminated</c>); by default <see cref="IsSuccess"/>.</summary>
    public virtual bool ComputeTerminated(TState state) => IsSuccess(state);

    /// <summary>Whether reaching <paramref name="state"/> cuts the episode short without ending it (<c>compute_truncated</c>); by default never (a <c>TimeLimit</c> truncates).</summary>
    public virtual bool ComputeTruncated(TState state) => false;

    /// <inheritdoc />
    public override Image Render() => Draw(State);

    /// <summary>Parses free text into an action.</summary>
    /// <exception cref="UnknownActionException">The text is not understood; the message lists the candidates.</exception>
    public abstract TAction ParseAction(string text);

    /// <summary>The state after <paramref name="action"/> from <paramref name="state"/> (pure: the environment is untouched).</summary>
    public abstract TState Transition(TState state, TAction action);

    /// <summary>The frame that shows <paramref name="state"/>.</summary>
    public abstract Image Draw(TState state);

    /// <summary>Whether <paramref name="state"/> satisfies the episode's goal.</summary>
    public abstract bool IsSuccess(TState state);

    /// <summary>The episode's goal as text, for example "bring the red circle into the grey square".</summary>
    public abstract string DescribeGoal(TState state);

    /// <summary>The true position of every object present, keyed and measured as <see cref="StateProbe"/> reports them.</summary>
    public abstract IReadOnlyDictionary<string, (double X, double Y)> ObjectPositions(TState state);

    /// <summary>
    /// Action fidelity's reference: how far each object present moves (in pixels) when <paramref name="action"/> is
    /// taken from <paramref name="state"/>, keyed by the names <see cref="StateProbe"/> reports, so that the
    /// displacement probed between a frame and a predicted next frame can be compared with it. Unmoved objects map to (0, 0).
    /// </summary>
    /// <exception cref="UnknownActionException">The action is not understood.</exception>
    public IReadOnlyDictionary<string, (double Dx, double Dy)> ExpectedDisplacement(TState state, string action)
    {
        var before = ObjectPositions(state);
        var after = ObjectPositions(Transition(state, ParseAction(action)));
        return before.ToDictionary(p => p.Key, p => (after[p.Key].X - p.Value.X, after[p.Key].Y - p.Value.Y));
    }

    IGroundTruthSimulator ISimulatedEnvironment.CreateSimulator(IExplorationPolicy policy, string name, bool hasHiddenState) =>
        new GroundTruthSimulator<TState, TAction>(this, policy, name, hasHiddenState);

    /// <summary>Starts the episode at <paramref name="state"/>; subclasses' <c>Reset</c> ends with it.</summary>
    protected ResetResult<Image> Begin(TState state)
    {
        _state = state;
        return new ResetResult<Image>(Draw(state), Info(state, IsSuccess(state)));
    }

    Dictionary<string, object?> Info(TState state, bool success) => new()
    {
        ["goal"] = DescribeGoal(state),
        ["state"] = state,
        ["is_success"] = success,
    };
}
