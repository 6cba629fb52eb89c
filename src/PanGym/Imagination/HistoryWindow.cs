namespace PanGym.Imagination;

/// <summary>
/// How much history the dynamics reads in a long episode. The KV cache grows by one turn per step and the backbone's
/// rotary positions end at <c>max_position_embeddings</c>, so an endless episode cannot keep its whole past: once the
/// history holds <see cref="MaxTurns"/> turns, it is re-read from only its last <see cref="KeptTurns"/> turns (as if the
/// episode had started there), and memory stays bounded by a cache of <see cref="MaxTurns"/> turns.
/// </summary>
/// <remarks>
/// The default (4 turns, re-read from the last 3) matches what the world model learns from: the trainer's windows hold
/// 4 actions (<c>TrainingConfig.WindowSteps</c>), so every prediction reads a past no longer than the model was trained
/// on, at the cost of re-reading 3 turns per step once the window is full. A longer past than training showed costs
/// fidelity: a demo-sized ShapesWorld model followed the action in 54 % of held-out steps when reading 4 turns, 51 % when
/// reading up to 8 and 43 % when reading the whole 32-step episode.
/// </remarks>
public sealed record HistoryWindow
{
    /// <summary>A window of at most <paramref name="maxTurns"/> turns, re-read from the last <paramref name="keptTurns"/> when full.</summary>
    /// <param name="maxTurns">Turns the history may hold (at least 1).</param>
    /// <param name="keptTurns">Turns re-read when the history is full, in [0, <paramref name="maxTurns"/>).</param>
    public HistoryWindow(int maxTurns = 4, int keptTurns = 3)
    {
        if (maxTurns < 1) throw new ArgumentOutOfRangeException(nameof(maxTurns), maxTurns, "The history window must hold at least one turn.");
        if (keptTurns < 0 || keptTurns >= maxTurns)
            throw new ArgumentOutOfRangeException(nameof(keptTurns), keptTurns, $"The turns kept when the window is full must lie in [0, maxTurns = {maxTurns}).");
        MaxTurns = maxTurns;
        KeptTurns = keptTurns;
    }

    /// <summary>4 turns, re-read from the last 3: the length of a training window.</summary>
    public static HistoryWindow Default { get; } = new();

    /// <summary>Turns the history may hold.</summary>
    public int MaxTurns { get; }

    /// <summary>Turns re-read when the history is full.</summary>
    public int KeptTurns { get; }
}
