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
/// Make one with <see cref="GroundTruthSimulators.For"/>.
/// </summary>
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
        for (int t = 0; t < steps; t++)
        {
            string action = choose(t, observation, info);
            displacements.Add(_env.ExpectedDisplacement(_env.State, action));
            var step = _env.Step(action);
            (observation, info) = (step.Observation, step.Info);
            actions.Add(action);
            frames.Add(observation);
            positions.Add(_env.ObjectPositions(_env.State));
        }
        return new GroundTruthEpisode(seed, frames, actions, positions, displacements);
    }
}
