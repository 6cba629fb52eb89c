namespace PanGym.Imagination;

/// <summary>
/// How much history the dynamics reads in a long episode. The KV cache grows by one turn per step and the backbone's
/// rotary positions end at <c>max_position_embeddings</c>, so an endless episode cannot keep its whole past: once the
/// history holds <see cref="MaxTurns"/> turns, it is re-read from only its last <see cref="KeptTurns"/> turns (as if the
/// episode had started there), and memory stays bounded by a cache of <see cref="MaxTurns"/> turns.
/// </summary>
/// <remarks>
/// The default (8 turns, re-read from the last 4) matches what the world model learns from: the trainer's windows hold
/// 4 actions (<c>TrainingConfig.WindowSteps</c>), so a model has never read a longer past than that, and re-reading 4 turns
/// every 4 steps keeps every prediction within twice the trained history.
/// </remarks>
public sealed record HistoryWindow
{
    /// <summary>A window of at most <paramref name="maxTurns"/> turns, re-read from the last <paramref name="keptTurns"/> when full.</summary>
    /// <param name="maxTurns">Turns the history may hold (at least 1).</param>
    /// <param name="keptTurns">Turns re-read when the history is full, in [0, <paramref name="maxTurns"/>).</param>
    public HistoryWindow(int maxTurns = 8, int keptTurns = 4)
    {
        if (maxTurns < 1) throw new ArgumentOutOfRangeException(nameof(maxTurns), maxTurns, "The history window must hold at least one turn.");
        if (keptTurns < 0 || keptTurns >= maxTurns)
            throw new ArgumentOutOfRangeException(nameof(keptTurns), keptTurns, $"The turns kept when the window is full must lie in [0, maxTurns = {maxTurns}).");
        MaxTurns = maxTurns;
        KeptTurns = keptTurns;
    }

    /// <summary>8 turns, re-read from the last 4.</summary>
    public static HistoryWindow Default { get; } = new();

    /// <summary>Turns the history may hold.</summary>
    public int MaxTurns { get; }

    /// <summary>Turns re-read when the history is full.</summary>
    public int KeptTurns { get; }
}
