using PanGym.WorldModel;
using static TorchSharp.torch;

namespace PanGym.Imagination;

/// <summary>
/// The history of B trajectories that the dynamics reads, bounded by a <see cref="HistoryWindow"/>: a
/// <see cref="LatentHistory"/> (the KV cache) plus the inputs of the last few turns, so that a full cache can be re-read
/// from its most recent turns. Memory is the cache of at most <see cref="HistoryWindow.MaxTurns"/> turns and
/// <see cref="HistoryWindow.KeptTurns"/> stored states. Owns native memory: dispose it.
/// </summary>
public sealed class WindowedHistory : IDisposable
{
    readonly WorldModel.WorldModel _model;
    readonly Queue<(Tensor State, string[] Actions)> _recent = new();
    LatentHistory _history;
    bool _disposed;

    /// <summary>An empty history of <paramref name="batchSize"/> trajectories for <paramref name="model"/>.</summary>
    /// <exception cref="ArgumentException">The window's turns do not fit the backbone's positions.</exception>
    public WindowedHistory(WorldModel.WorldModel model, int batchSize, HistoryWindow? window = null)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        Window = window ?? HistoryWindow.Default;
        EnsureFits(model, Window);
        BatchSize = batchSize;
        _history = model.NewHistory(batchSize);
    }

    /// <summary>The most turns <paramref name="model"/>'s backbone can read in one history (its positions ÷ the turn length).</summary>
    public static int MaxTurnsFor(WorldModel.WorldModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.Config.Backbone.MaxPositionEmbeddings / model.Dynamics.TurnLength;
    }

    /// <summary>Refuses a <paramref name="window"/> whose turns do not fit <paramref name="model"/>'s backbone positions, without allocating a history.</summary>
    /// <exception cref="ArgumentException">The window's turns do not fit the backbone's positions.</exception>
    public static void EnsureFits(WorldModel.WorldModel model, HistoryWindow window)
    {
        ArgumentNullException.ThrowIfNull(window);
        int limit = MaxTurnsFor(model);
        if (window.MaxTurns > limit)
            throw new ArgumentException(
                $"A history window of {window.MaxTurns} turns needs {window.MaxTurns * model.Dynamics.TurnLength} positions, but the backbone has " +
                $"{model.Config.Backbone.MaxPositionEmbeddings} ({limit} turns of {model.Dynamics.TurnLength} tokens).", nameof(window));
    }

    /// <summary>The window.</summary>
    public HistoryWindow Window { get; }

    /// <summary>Trajectories B.</summary>
    public int BatchSize { get; }

    /// <summary>The current history (the KV cache); branch it with <see cref="LatentHistory.Select"/>, do not dispose it.</summary>
    public LatentHistory Current
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _history;
        }
    }

    /// <summary>Turns the current history holds.</summary>
    public int Turns => Current.Turns;

    /// <summary>Times the history was re-read from its last turns because the window was full.</summary>
    public int Rebuilds { get; private set; }

    /// <summary>
    /// Reads one turn (state s_t [B, N, D] and one action per trajectory) and returns ŝ_{t+1} [B, N, D]; first re-reads
    /// the history from its last <see cref="HistoryWindow.KeptTurns"/> turns when the window is full.
    /// </summary>
    public Tensor PredictNext(Tensor state, IReadOnlyList<string> actions)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(actions);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (actions.Count != BatchSize)
            throw new ArgumentException($"The history holds {BatchSize} trajectories but {actions.Count} actions were given.", nameof(actions));
        if (_history.Turns >= Window.MaxTurns) Rebuild();
        var next = _model.PredictNext(_history, state, actions);
        if (Window.KeptTurns > 0)
        {
            using (no_grad()) _recent.Enqueue((state.detach().clone().DetachFromDisposeScope(), [.. actions]));
            while (_recent.Count > Window.KeptTurns) _recent.Dequeue().State.Dispose();
        }
        return next;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _history.Dispose();
        while (_recent.Count > 0) _recent.Dequeue().State.Dispose();
    }

    void Rebuild()
    {
        var fresh = _model.NewHistory(BatchSize);
        try
        {
            using var scope = NewDisposeScope();
            foreach (var (state, actions) in _recent) _model.PredictNext(fresh, state, actions);
        }
        catch
        {
            fresh.Dispose();
            throw;
        }
        _history.Dispose();
        _history = fresh;
        Rebuilds++;
    }
}
