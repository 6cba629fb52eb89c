namespace PanGym.WorldModel;

/// <summary>
/// How much history the dynamics reads (PAN §3.2 reads the whole history, capped at 10 rounds in training). The KV
/// cache grows by one turn per step and the backbone's rotary positions end at <c>max_position_embeddings</c>, so an
/// endless episode cannot keep its whole past: once a <see cref="LatentHistory"/> holds <see cref="MaxTurns"/> turns,
/// it is re-read from only its last <see cref="KeptTurns"/> turns (as if the episode had started there), and memory
/// stays bounded by a cache of <see cref="MaxTurns"/> turns.
/// </summary>
/// <remarks>
/// A world model's default window (<see cref="For"/>) is the history it was trained to read,
/// <see cref="LatentDynamicsConfig.HistoryTurns"/>: a longer past than training showed costs fidelity (a demo-sized
/// ShapesWorld model trained on 4-turn windows followed the action in 54 % of held-out steps when reading 4 turns and
/// 43 % when reading the whole 32-step episode).
/// </remarks>
public sealed record HistoryWindow
{
    /// <summary>A window of at most <paramref name="maxTurns"/> turns, re-read from the last <paramref name="keptTurns"/> when full.</summary>
    /// <param name="maxTurns">Turns the history may hold (at least 1).</param>
    /// <param name="keptTurns">Turns re-read when the history is full, in [0, <paramref name="maxTurns"/>).</param>
    public HistoryWindow(int maxTurns, int keptTurns)
    {
        if (maxTurns < 1) throw new ArgumentOutOfRangeException(nameof(maxTurns), maxTurns, "The history window must hold at least one turn.");
        if (keptTurns < 0 || keptTurns >= maxTurns)
            throw new ArgumentOutOfRangeException(nameof(keptTurns), keptTurns, $"The turns kept when the window is full must lie in [0, maxTurns = {maxTurns}).");
        MaxTurns = maxTurns;
        KeptTurns = keptTurns;
    }

    /// <summary>
    /// The no-history ablation: every prediction reads a fresh history holding only the current state and action, so
    /// nothing that one frame cannot show (a velocity) can be known.
    /// </summary>
    public static HistoryWindow LastStateOnly { get; } = new(1, 0);

    /// <summary>The window a model with <paramref name="config"/> was trained to read: its history turns, re-read from all but the oldest when full.</summary>
    public static HistoryWindow For(LatentDynamicsConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new HistoryWindow(config.HistoryTurns, config.HistoryTurns - 1);
    }

    /// <summary>Turns the history may hold.</summary>
    public int MaxTurns { get; }

    /// <summary>Turns re-read when the history is full.</summary>
    public int KeptTurns { get; }

    /// <summary>Whether this is <see cref="LastStateOnly"/>: each prediction reads only the current state.</summary>
    public bool IsLastStateOnly => MaxTurns == 1;
}
