using PanGym.Gym;

namespace PanGym.Planning;

/// <summary>
/// The true simulator as a planner's model: rollouts run through the environment's own pure transition function on
/// copies of the true state, read from each observation's info. A planner with this model is the ceiling that a
/// learned world model can approach; comparing the two separates model error from planner error.
/// </summary>
/// <typeparam name="TState">The simulator's state (immutable: transitions return new states).</typeparam>
public sealed class SimulatorPlanningModel<TState> : IPlanningModel
{
    readonly Func<TState, string, TState> _transition;
    readonly Func<TState, string, TState, StepOutcome> _reward;
    readonly Func<Image, IReadOnlyDictionary<string, object?>, TState> _readState;
    TState? _state;

    /// <summary>A model whose reward reads the state reached.</summary>
    /// <param name="transition">The state after an action (for a ground-truth env: <c>(s, a) =&gt; env.Transition(s, env.ParseAction(a))</c>).</param>
    /// <param name="reward">The reward of reaching a state, and whether it ends the episode.</param>
    /// <param name="readState">The true state behind an observation (for a ground-truth env: its <c>info["state"]</c>).</param>
    /// <param name="discount">γ in [0, 1].</param>
    public SimulatorPlanningModel(Func<TState, string, TState> transition, Func<TState, StepOutcome> reward,
        Func<Image, IReadOnlyDictionary<string, object?>, TState> readState, double discount = 1.0)
        : this(transition, Reached(reward), readState, discount) { }

    /// <summary>A model reading the state from <c>info["state"]</c>, as the ground-truth environments report it.</summary>
    public SimulatorPlanningModel(Func<TState, string, TState> transition, Func<TState, StepOutcome> reward, double discount = 1.0)
        : this(transition, Reached(reward), StateFromInfo, discount) { }

    /// <summary>
    /// A model whose reward reads the whole step, the state before, the action and the state after, as
    /// <c>GroundTruthEnv.ComputeReward(state, action, next)</c> does; the state is read from <c>info["state"]</c> unless
    /// <paramref name="readState"/> is given.
    /// </summary>
    /// <param name="transition">The state after an action.</param>
    /// <param name="stepReward">The reward of the step (state, action text, next state), and whether it ends the episode.</param>
    /// <param name="readState">The true state behind an observation; null for <c>info["state"]</c>.</param>
    /// <param name="discount">γ in [0, 1].</param>
    public SimulatorPlanningModel(Func<TState, string, TState> transition, Func<TState, string, TState, StepOutcome> stepReward,
        Func<Image, IReadOnlyDictionary<string, object?>, TState>? readState = null, double discount = 1.0)
    {
        _transition = transition ?? throw new ArgumentNullException(nameof(transition));
        _reward = stepReward ?? throw new ArgumentNullException(nameof(stepReward));
        _readState = readState ?? StateFromInfo;
        Discount = discount is >= 0 and <= 1 ? discount : throw new ArgumentOutOfRangeException(nameof(discount), discount, "The discount γ must lie in [0, 1].");
    }

    /// <summary>γ.</summary>
    public double Discount { get; }

    /// <inheritdoc />
    public void Begin(Image observation, IReadOnlyDictionary<string, object?> info) => _state = _readState(observation, info);

    /// <inheritdoc />
    public void Advance(string action, Image observation, IReadOnlyDictionary<string, object?> info) => _state = _readState(observation, info);

    /// <inheritdoc />
    public RolloutScores Score(IReadOnlyList<IReadOnlyList<string>> sequences)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        var start = _state ?? throw new InvalidOperationException("SimulatorPlanningModel.Score before Begin: start following an episode first.");
        var returns = new double[sequences.Count];
        int steps = 0;
        for (int b = 0; b < sequences.Count; b++)
        {
            var state = start;
            double weight = 1;
            foreach (var action in sequences[b])
            {
                var next = _transition(state, action);
                var outcome = _reward(state, action, next);
                state = next;
                steps++;
                returns[b] += weight * outcome.Reward;
                weight *= Discount;
                if (outcome.Terminated) break;
            }
        }
        return new RolloutScores(returns, steps);
    }

    static Func<TState, string, TState, StepOutcome> Reached(Func<TState, StepOutcome> reward)
    {
        ArgumentNullException.ThrowIfNull(reward);
        return (_, _, next) => reward(next);
    }

    static TState StateFromInfo(Image observation, IReadOnlyDictionary<string, object?> info) =>
        info is not null && info.TryGetValue("state", out var value) && value is TState state
            ? state
            : throw new ArgumentException($"The info carries no \"state\" of type {typeof(TState).Name}; the true-simulator model reads the true state from it.", nameof(info));
}
