using PanGym.Gym;
using PanGym.Imagination;
using static TorchSharp.torch;

namespace PanGym.Planning;

/// <summary>
/// The world model as a planner's model: it follows the real episode by reading each executed action and encoding
/// each real observation into its history (a <see cref="WindowedHistory"/>), and scores candidate plans with
/// <see cref="BatchedImagination"/>: all of them in one batch per step, in latent space, from caches branched off that
/// history. The reward is an <see cref="IImaginedReward"/>, fixed or made per episode (for example the latent of the
/// episode's goal frame). Owns native memory: dispose it.
/// </summary>
public sealed class WorldModelPlanningModel : IPlanningModel, IDisposable
{
    readonly WorldModel.WorldModel _model;
    readonly Func<Image, IReadOnlyDictionary<string, object?>, IImaginedReward> _rewardFor;
    readonly bool _ownsRewards;
    readonly BatchedImagination _imagination;
    WindowedHistory? _history;
    Tensor? _state;
    Tensor? _frame;
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
    public WorldModelPlanningModel(WorldModel.WorldModel model, Func<Image, IReadOnlyDictionary<string, object?>, IImaginedReward> rewardForEpisode,
        ImaginationOptions? imagination = null, HistoryWindow? history = null)
        : this(model, rewardForEpisode, ownsRewards: true, imagination, history) { }

    /// <summary>A model scoring every episode with <paramref name="reward"/> (not owned).</summary>
    public WorldModelPlanningModel(WorldModel.WorldModel model, IImaginedReward reward, ImaginationOptions? imagination = null, HistoryWindow? history = null)
        : this(model, Fixed(reward), ownsRewards: false, imagination, history) { }

    WorldModelPlanningModel(WorldModel.WorldModel model, Func<Image, IReadOnlyDictionary<string, object?>, IImaginedReward> rewardFor, bool ownsRewards,
        ImaginationOptions? imagination, HistoryWindow? history)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        _rewardFor = rewardFor ?? throw new ArgumentNullException(nameof(rewardFor));
        _ownsRewards = ownsRewards;
        _imagination = new BatchedImagination(model, imagination);
        History = history ?? DefaultHistory;
        WindowedHistory.EnsureFits(model, History);
    }

    /// <summary>The root's history bound.</summary>
    public HistoryWindow History { get; }

    /// <summary>How plans are imagined.</summary>
    public ImaginationOptions Imagination => _imagination.Options;

    /// <summary>The current episode's reward (null before <see cref="Begin"/>).</summary>
    public IImaginedReward? Reward => _reward;

    /// <summary>Turns in the root history.</summary>
    public int HistoryTurns => _history?.Turns ?? 0;

    /// <inheritdoc />
    public void Begin(Image observation, IReadOnlyDictionary<string, object?> info)
    {
        ArgumentNullException.ThrowIfNull(observation);
        var reward = _rewardFor(observation, info) ?? throw new InvalidOperationException("The episode's reward factory returned null.");
        if (ReferenceEquals(reward, _reward)) _reward = null;
        ReleaseEpisode();
        _reward = reward;
        _history = new WindowedHistory(_model, 1, History);
        Observe(observation);
    }

    /// <inheritdoc />
    public void Advance(string action, Image observation, IReadOnlyDictionary<string, object?> info)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(observation);
        if (_history is null || _state is null) throw new InvalidOperationException("WorldModelPlanningModel.Advance before Begin: start following an episode first.");
        using (no_grad())
        using (NewDisposeScope())
            _history.PredictNext(_state, [action]);
        Observe(observation);
    }

    /// <inheritdoc />
    public RolloutScores Score(IReadOnlyList<IReadOnlyList<string>> sequences)
    {
        using var result = Imagine(sequences);
        return new RolloutScores(result.Returns, result.ComputedSteps);
    }

    /// <summary>The full imagination of <paramref name="sequences"/> from the current state (rewards, lengths, and latents or frames when the options keep them).</summary>
    public ImaginationResult Imagine(IReadOnlyList<IReadOnlyList<string>> sequences)
    {
        if (_history is null || _state is null || _reward is null) throw new InvalidOperationException("WorldModelPlanningModel.Score before Begin: start following an episode first.");
        return _imagination.Imagine(_history.Current, _state, _frame, sequences, _reward);
    }

    /// <inheritdoc />
    public void Dispose() => ReleaseEpisode();

    void Observe(Image observation)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var frame = _model.ToModelPixels([observation]);
        var state = _model.Encode(frame);
        _state?.Dispose();
        _frame?.Dispose();
        _frame = frame.DetachFromDisposeScope();
        _state = state.DetachFromDisposeScope();
    }

    void ReleaseEpisode()
    {
        _history?.Dispose();
        _state?.Dispose();
        _frame?.Dispose();
        if (_ownsRewards && _reward is IDisposable disposable) disposable.Dispose();
        (_history, _state, _frame, _reward) = (null, null, null, null);
    }

    static Func<Image, IReadOnlyDictionary<string, object?>, IImaginedReward> Fixed(IImaginedReward reward)
    {
        ArgumentNullException.ThrowIfNull(reward);
        return (_, _) => reward;
    }
}
