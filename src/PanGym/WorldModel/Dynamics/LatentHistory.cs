using PanGym.Backbone;
using static TorchSharp.torch;

namespace PanGym.WorldModel;

/// <summary>
/// The history the dynamics has read so far for B trajectories, bounded by a <see cref="HistoryWindow"/>: the backbone's
/// KV cache over the turns in the window, so that predicting the next state costs O(new tokens × context) rather than
/// re-reading the history, and the inputs of the last <see cref="HistoryWindow.KeptTurns"/> turns, from which a full
/// cache is re-read (<see cref="LatentDynamics.PredictNext"/> does it). Branch it with <see cref="Clone"/>,
/// <see cref="Repeat"/> or <see cref="Select(long[], HistoryWindow)"/> to imagine many futures from one past without recomputing it. Owns
/// native memory: dispose it.
/// </summary>
public sealed class LatentHistory : IDisposable
{
    readonly Queue<(Tensor State, string[] Actions)> _recent = new();
    bool _disposed;

    internal LatentHistory(KvCache cache, HistoryWindow window, int turns = 0, int rebuilds = 0)
    {
        Cache = cache;
        Window = window;
        Turns = turns;
        Rebuilds = rebuilds;
    }

    /// <summary>The backbone's keys and values of every token in the window.</summary>
    internal KvCache Cache { get; private set; }

    /// <summary>The bound on the turns the history holds.</summary>
    public HistoryWindow Window { get; }

    /// <summary>Turns (state + action → prediction) in the cache now, at most <see cref="HistoryWindow.MaxTurns"/>.</summary>
    public int Turns { get; private set; }

    /// <summary>Times the history was re-read from its last turns because the window was full.</summary>
    public int Rebuilds { get; private set; }

    /// <summary>Number of trajectories B.</summary>
    public int BatchSize => Cache.BatchSize;

    /// <summary>Whether the window is full, so that the next turn first re-reads the kept ones.</summary>
    internal bool IsFull => Turns >= Window.MaxTurns;

    /// <summary>The inputs of the most recent turns (at most <see cref="HistoryWindow.KeptTurns"/>), oldest first.</summary>
    internal IEnumerable<(Tensor State, string[] Actions)> Recent => _recent;

    /// <summary>An independent copy (the caller owns it).</summary>
    public LatentHistory Clone() => Branch(Cache.Clone(), null, Window);

    /// <summary>Each trajectory repeated <paramref name="copies"/> times in place (b0, b0, …, b1, b1, …).</summary>
    public LatentHistory Repeat(int copies)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(copies, 1);
        return Select([.. Enumerable.Range(0, BatchSize * copies).Select(row => (long)(row / copies))]);
    }

    /// <summary>The trajectories at <paramref name="indices"/>, in that order (the caller owns the result).</summary>
    public LatentHistory Select(params long[] indices) => Select(indices, Window);

    /// <summary>
    /// The trajectories at <paramref name="indices"/> under another <paramref name="window"/>, for a branch that may read
    /// more turns than its root keeps (a planner's root keeps one observed turn; its imagined futures add theirs).
    /// </summary>
    public LatentHistory Select(long[] indices, HistoryWindow window)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(window);
        if (window.MaxTurns < Turns)
            throw new ArgumentException($"The history holds {Turns} turns, more than a window of {window.MaxTurns} holds.", nameof(window));
        return Branch(Cache.Select(indices), indices, window);
    }

    /// <summary>Counts one more turn read into the cache and keeps its inputs for a later re-read.</summary>
    internal void Append(Tensor state, IReadOnlyList<string> actions)
    {
        Turns++;
        if (Window.KeptTurns == 0) return;
        using (no_grad()) _recent.Enqueue((state.detach().clone().DetachFromDisposeScope(), [.. actions]));
        while (_recent.Count > Window.KeptTurns) _recent.Dequeue().State.Dispose();
    }

    /// <summary>Replaces the full cache by <paramref name="fresh"/>, which re-read the kept turns.</summary>
    internal void Restart(KvCache fresh)
    {
        Cache.Dispose();
        Cache = fresh;
        Turns = _recent.Count;
        Rebuilds++;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Cache.Dispose();
        while (_recent.Count > 0) _recent.Dequeue().State.Dispose();
    }

    LatentHistory Branch(KvCache cache, long[]? indices, HistoryWindow window)
    {
        var branch = new LatentHistory(cache, window, Turns, Rebuilds);
        using var scope = NewDisposeScope();
        var rows = indices is null ? null : tensor(indices, device: cache.Device);
        foreach (var (state, actions) in _recent)
        {
            var copy = rows is null ? state.clone() : state.index_select(0, rows);
            string[] picked = indices is null ? [.. actions] : [.. indices.Select(i => actions[i])];
            branch._recent.Enqueue((copy.DetachFromDisposeScope(), picked));
        }
        while (branch._recent.Count > window.KeptTurns) branch._recent.Dequeue().State.Dispose();
        return branch;
    }
}
