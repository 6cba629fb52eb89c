using PanGym.Gym;
using PanGym.Imagination;
using PanGym.WorldModel;
using static TorchSharp.torch;

namespace PanGym.Planning;

/// <summary>
/// The world model as a planner's model: it follows the real episode through the <see cref="ImaginationEngine"/>
/// (<see cref="ImaginationEngine.Observe"/>: each executed action read into the history, each real observation encoded),
/// and scores candidate plans with <see cref="BatchedImagination"/>: all of them in one batch per step, from branches of
/// that trajectory. The reward is an <see cref="IImaginedReward"/>, fixed or made per episode (for example the latent of the
/// episode's goal frame). Owns native memory: dispose it.
/// </summary>
/// <remarks>
/// When decoding is deterministic (sampling temperature 0, as <see cref="ImaginationOptions.DefaultRollout"/>), a sequence's
/// return depends only on the sequence and the root, so <see cref="Score"/> keeps the returns it has computed until the
/// root moves (<see cref="Begin"/>, <see cref="Advance"/>) and imagines only sequences it has not scored from this root:
/// the later iterations of CEM and MPPI, whose distributions have sharpened, draw many sequences scored before.
/// </remarks>
public sealed class WorldModelPlanningModel : IPlanningModel, IDisposable
{
    readonly PanWorldModel _model;
    readonly Func<Image, IReadOnlyDictionary<string, object?>, IImaginedReward> _rewardFor;
    readonly bool _ownsRewards;
    readonly bool _paletteFromStart;
    BatchedImagination _imagination;
    readonly ImaginationEngine _follower;
    readonly Dictionary<string, double> _returns = new(StringComparer.Ordinal);
    ImaginedTrajectories? _episode;
    IImaginedReward? _reward;

    /// <summary>
    /// The history the planner's root keeps by default: the last turn only (the previous state and the action taken from
    /// it), re-read afresh at every step. The dynamics learns from windows of 4 actions (<c>TrainingConfig.WindowSteps</c>),
    /// so one turn of history plus <see cref="CemConfig.Default"/>'s 3 imagined turns stays within what it has read in
    /// training; one turn still shows motion that a single frame hides; and a short context keeps attention cheap.
    /// </summary>
    public static HistoryWindow DefaultHistory { get; } = new(maxTurns: 1, keptTurns: 0);

    /// <summary>A model whose reward is made at the start of each episode by <paramref name="rewardForEpisode"/> (and disposed with it).</summary>
    /// <param name="model">The world model (not owned).</param>
    /// <param name="rewardForEpisode">The reward of an episode, from its first observation and info.</param>
    /// <param name="imagination">How plans are imagined; default <see cref="ImaginationOptions.Default"/>.</param>
    /// <param name="history">The root's history bound; default <see cref="DefaultHistory"/>.</param>
    /// <param name="paletteFromStart">Snap each imagined frame to the flat colours of the episode's first observation
    /// (<see cref="ColourPalette.FromFrames"/>; nothing is snapped when it has more than <see cref="ColourPalette.MaxColours"/>),
    /// in place of <paramref name="imagination"/>'s own palette.</param>
    public WorldModelPlanningModel(PanWorldModel model, Func<Image, IReadOnlyDictionary<string, object?>, IImaginedReward> rewardForEpisode,
        ImaginationOptions? imagination = null, HistoryWindow? history = null, bool paletteFromStart = false)
        : this(model, rewardForEpisode, ownsRewards: true, imagination, history) => _paletteFromStart = paletteFromStart;

    /// <summary>A model scoring every episode with <paramref name="reward"/> (not owned).</summary>
    public WorldModelPlanningModel(PanWorldModel model, IImaginedReward reward, ImaginationOptions? imagination = null, HistoryWindow? history = null)
        : this(model, Fixed(reward), ownsRewards: false, imagination, history) { }

    WorldModelPlanningModel(PanWorldModel model, Func<Image, IReadOnlyDictionary<string, object?>, IImaginedReward> rewardFor, bool ownsRewards,
        ImaginationOptions? imagination, HistoryWindow? history)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        _rewardFor = rewardFor ?? throw new ArgumentNullException(nameof(rewardFor));
        _ownsRewards = ownsRewards;
        _imagination = new BatchedImagination(model, imagination);
        History = history ?? DefaultHistory;
        _follower = new ImaginationEngine(model, new RolloutOptions(_imagination.Options.Rollout.ClosedLoop, _imagination.Options.Rollout.Sampling, History));
    }

    /// <summary>The root's history bound.</summary>
    public HistoryWindow History { get; }

    /// <summary>How plans are imagined.</summary>
    public ImaginationOptions Imagination => _imagination.Options;

    /// <summary>The current episode's reward (null before <see cref="Begin"/>).</summary>
    public IImaginedReward? Reward => _reward;

    /// <summary>Whether <see cref="Score"/> reuses the returns of sequences already scored from the current root (when decoding is deterministic).</summary>
    public bool ReusesReturns => _imagination.Options.Rollout.Sampling.Temperature == 0;

    /// <summary>Turns in the root history.</summary>
    public int HistoryTurns => _episode?.History.Turns ?? 0;

    /// <inheritdoc />
    public void Begin(Image observation, IReadOnlyDictionary<string, object?> info)
    {
        ArgumentNullException.ThrowIfNull(observation);
        var reward = _rewardFor(observation, info) ?? throw new InvalidOperationException("The episode's reward factory returned null.");
        if (ReferenceEquals(reward, _reward)) _reward = null;
        ReleaseEpisode();
        _reward = reward;
        if (_paletteFromStart) _imagination = new BatchedImagination(_model, WithPalette(_imagination.Options, ColourPalette.FromFrames([observation])));
        using var scope = NewDisposeScope();
        _episode = _follower.Start([observation]);
    }

    /// <inheritdoc />
    public void Advance(string action, Image observation, IReadOnlyDictionary<string, object?> info)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(observation);
        var episode = _episode ?? throw new InvalidOperationException("WorldModelPlanningModel.Advance before Begin: start following an episode first.");
        _returns.Clear();
        using var scope = NewDisposeScope();
        _follower.Observe(episode, [action], _model.ToModelPixels([observation]));
    }

    /// <inheritdoc />
    public RolloutScores Score(IReadOnlyList<IReadOnlyList<string>> sequences)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        if (!ReusesReturns)
        {
            using var all = Imagine(sequences);
            return new RolloutScores(all.Returns, all.ComputedSteps);
        }
        var keys = sequences.Select(Key).ToArray();
        var fresh = new List<int>();
        var pending = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < keys.Length; i++)
            if (!_returns.ContainsKey(keys[i]) && pending.Add(keys[i])) fresh.Add(i);
        int computed = 0;
        if (fresh.Count > 0)
        {
            using var result = Imagine([.. fresh.Select(i => sequences[i])]);
            for (int j = 0; j < fresh.Count; j++) _returns[keys[fresh[j]]] = result.Returns[j];
            computed = result.ComputedSteps;
        }
        return new RolloutScores([.. keys.Select(key => _returns[key])], computed);
    }

    /// <summary>The full imagination of <paramref name="sequences"/> from the current state (rewards, lengths, and latents or frames when the options keep them).</summary>
    public ImaginationResult Imagine(IReadOnlyList<IReadOnlyList<string>> sequences)
    {
        if (_episode is null || _reward is null) throw new InvalidOperationException("WorldModelPlanningModel.Score before Begin: start following an episode first.");
        return _imagination.Imagine(_episode, sequences, _reward);
    }

    /// <inheritdoc />
    public void Dispose() => ReleaseEpisode();

    static string Key(IReadOnlyList<string> sequence)
    {
        ArgumentNullException.ThrowIfNull(sequence);
        return string.Concat(sequence.Select(action => $"{action.Length}:{action}"));
    }

    void ReleaseEpisode()
    {
        _returns.Clear();
        _episode?.Dispose();
        if (_ownsRewards && _reward is IDisposable disposable) disposable.Dispose();
        (_episode, _reward) = (null, null);
    }

    static ImaginationOptions WithPalette(ImaginationOptions options, ColourPalette? palette)
    {
        var rollout = options.Rollout;
        return new ImaginationOptions(options.Discount, options.ShareBranches, options.KeepLatents, options.KeepFrames,
            new RolloutOptions(rollout.ClosedLoop, rollout.Sampling, rollout.History, palette), options.Seed, options.MaxRowsPerPass);
    }

    static Func<Image, IReadOnlyDictionary<string, object?>, IImaginedReward> Fixed(IImaginedReward reward)
    {
        ArgumentNullException.ThrowIfNull(reward);
        return (_, _) => reward;
    }
}
