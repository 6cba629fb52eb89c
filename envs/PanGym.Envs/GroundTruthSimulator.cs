using PanGym.Data;
using PanGym.Evaluation;
using PanGym.Gym;
using PanGym.Gym.Spaces;

namespace PanGym.Envs;

/// <summary>
/// A ground-truth environment as the evaluation's <see cref="IGroundTruthSimulator"/>: episodes are recorded on the
/// unwrapped environment (no time limit, no stop at the goal) under its exploration policy, whose generator is seeded
/// from the episode's seed exactly as <see cref="EpisodeGenerator"/> seeds it, so held-out episodes come from the
/// training data's distribution. Positions and displacements come from the true state
/// (<see cref="GroundTruthEnv{TState, TAction}.ObjectPositions"/>, <see cref="GroundTruthEnv{TState, TAction}.ExpectedDisplacement"/>).
/// Make one with <see cref="GroundTruthSimulators.For"/> (or <see cref="GroundTruthRegistry.SimulatorFor"/>).
/// </summary>
/// <remarks>
/// Every recorded step checks that the state round-trips: <c>Transition(State, action)</c> leaves its argument untouched
/// and reaches the positions <c>Step(action)</c> reaches; and the probe's names on the first frame are names that
/// <c>ObjectPositions</c> uses. A violation is an <see cref="InvalidOperationException"/> that names the step and the problem.
/// </remarks>
/// <typeparam name="TState">The environment's true state.</typeparam>
/// <typeparam name="TAction">The environment's parsed action.</typeparam>
public sealed class GroundTruthSimulator<TState, TAction> : IGroundTruthSimulator
    where TState : class
    where TAction : notnull
{
    readonly GroundTruthEnv<TState, TAction> _env;
    readonly IExplorationPolicy _policy;

    /// <summary>A simulator over <paramref name="env"/>, which it owns and disposes.</summary>
    /// <param name="env">The environment.</param>
    /// <param name="policy">The exploration policy that chooses the recorded episodes' actions.</param>
    /// <param name="name">The name reports use (for example the registry id).</param>
    /// <param name="hasHiddenState">Whether one frame hides part of the state.</param>
    public GroundTruthSimulator(GroundTruthEnv<TState, TAction> env, IExplorationPolicy policy, string name, bool hasHiddenState)
    {
        _env = env ?? throw new ArgumentNullException(nameof(env));
        _policy = policy ?? throw new ArgumentNullException(nameof(policy));
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        HasHiddenState = hasHiddenState;
        FrameSize = ((ImageSpace)env.ObservationSpace).Height;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public int FrameSize { get; }

    /// <inheritdoc />
    public IStateProbe Probe => _env.StateProbe;

    /// <inheritdoc />
    public bool HasHiddenState { get; }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The state does not round-trip, or the probe's names are not <c>ObjectPositions</c>' names.</exception>
    public GroundTruthEpisode Record(int seed, int steps)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        var random = new Random(EpisodeGenerator.PolicySeed(seed));
        _policy.BeginEpisode();
        return Run(seed, steps, (_, observation, info) => _policy.Act(observation, info, random));
    }

    /// <inheritdoc />
    public GroundTruthEpisode Replay(int seed, IReadOnlyList<string> actions)
    {
        ArgumentNullException.ThrowIfNull(actions);
        if (actions.Count == 0) throw new ArgumentException("Give at least one action to replay.", nameof(actions));
        foreach (var action in actions) _env.ParseAction(action);
        return Run(seed, actions.Count, (t, _, _) => actions[t]);
    }

    /// <summary>Disposes the environment.</summary>
    public void Dispose() => _env.Dispose();

    GroundTruthEpisode Run(int seed, int steps, Func<int, Image, IReadOnlyDictionary<string, object?>, string> choose)
    {
        var (observation, info) = _env.Reset(seed);
        var frames = new List<Image>(steps + 1) { observation };
        var actions = new List<string>(steps);
        var positions = new List<IReadOnlyDictionary<string, (double X, double Y)>>(steps + 1) { _env.ObjectPositions(_env.State) };
        var displacements = new List<IReadOnlyDictionary<string, (double Dx, double Dy)>>(steps);
        var infos = new List<IReadOnlyDictionary<string, object?>>(steps + 1) { info };
        CheckProbeNames(observation, positions[0]);
        for (int t = 0; t < steps; t++)
        {
            string action = choose(t, observation, info);
            var before = _env.State;
            var expected = _env.Transition(before, _env.ParseAction(action));
            var expectedPositions = _env.ObjectPositions(expected);
            if (!SamePositions(_env.ObjectPositions(before), positions[t]))
                throw NoRoundTrip(seed, t, action, $"Transition changed the state it was given (its objects moved from {Show(positions[t])} to {Show(_env.ObjectPositions(before))}); return a new state and leave the argument untouched");
            displacements.Add(positions[t].ToDictionary(p => p.Key, p => expectedPositions.TryGetValue(p.Key, out var after)
                ? (after.X - p.Value.X, after.Y - p.Value.Y)
                : throw NoRoundTrip(seed, t, action, $"ObjectPositions names \"{p.Key}\" before the step but not after it; name every object in every state")));
            var step = _env.Step(action);
            (observation, info) = (step.Observation, step.Info);
            var reached = _env.ObjectPositions(_env.State);
            if (!SamePositions(reached, expectedPositions))
                throw NoRoundTrip(seed, t, action, $"Step reached {Show(reached)}, but Transition from the state before it gives {Show(expectedPositions)}; " +
                    "Transition must be deterministic and the state must hold everything the step depends on");
            actions.Add(action);
            frames.Add(observation);
            positions.Add(reached);
            infos.Add(info);
        }
        return new GroundTruthEpisode(seed, frames, actions, positions, displacements, infos);
    }

    void CheckProbeNames(Image frame, IReadOnlyDictionary<string, (double X, double Y)> positions)
    {
        var unnamed = _env.StateProbe.Probe(frame).Select(o => o.Name).Where(name => !positions.ContainsKey(name)).ToArray();
        if (unnamed.Length > 0)
            throw new InvalidOperationException(
                $"{Name}: its StateProbe reports {string.Join(", ", unnamed.Select(n => $"\"{n}\""))}, which ObjectPositions does not name " +
                $"(it names {(positions.Count == 0 ? "nothing" : string.Join(", ", positions.Keys.Select(n => $"\"{n}\"")))}); the evaluation matches objects by name, so use the probe's names.");
    }

    InvalidOperationException NoRoundTrip(int seed, int step, string action, string problem) => new(
        $"{Name}: the state does not round-trip at step {step} of seed {seed} (action \"{action}\"): {problem}. The evaluation and the true-simulator " +
        $"planner replay {typeof(TState).Name} through Transition, so it must be an immutable record and Transition a pure function.");

    static bool SamePositions(IReadOnlyDictionary<string, (double X, double Y)> a, IReadOnlyDictionary<string, (double X, double Y)> b) =>
        a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var other) && other.Equals(p.Value));

    static string Show(IReadOnlyDictionary<string, (double X, double Y)> positions) =>
        positions.Count == 0 ? "no objects" : string.Join(", ", positions.Select(p => FormattableString.Invariant($"{p.Key} ({p.Value.X:0.###}, {p.Value.Y:0.###})")));
}
