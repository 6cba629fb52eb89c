using PanGym.WorldModel;
using static TorchSharp.torch;

namespace PanGym.Imagination;

/// <summary>
/// Where B imagined (or followed) trajectories stand between two steps of the <see cref="ImaginationEngine"/>: the
/// history the dynamics has read, the state the next turn reads, and the current frame the decoder continues from. Branch
/// it with <see cref="Select"/> to imagine many futures from one past. Owns native memory: dispose it.
/// </summary>
public sealed class ImaginedTrajectories : IDisposable
{
    bool _disposed;

    internal ImaginedTrajectories(LatentHistory history, Tensor state, Tensor? frame, int steps)
    {
        History = history;
        State = state.DetachFromDisposeScope();
        Frame = frame?.DetachFromDisposeScope();
        Steps = steps;
    }

    /// <summary>The history the dynamics has read (KV cache within its window).</summary>
    public LatentHistory History { get; }

    /// <summary>
    /// The state the next turn reads, [B, N, D]: the encoding of the start or observed frame, then after each imagined
    /// step ŝ_{t+1} (open loop) or h(ô_{t+1}) (closed loop).
    /// </summary>
    public Tensor State { get; private set; }

    /// <summary>The current frame [B, 3, H, W] in model pixels, which the next decode continues from; null when frames are not decoded.</summary>
    public Tensor? Frame { get; private set; }

    /// <summary>Steps taken since the start.</summary>
    public int Steps { get; private set; }

    /// <summary>Number of trajectories B.</summary>
    public int BatchSize => (int)State.shape[0];

    /// <summary>
    /// The trajectories at <paramref name="rows"/>, in that order, as new trajectories (the caller owns them), their
    /// history under <paramref name="window"/> (default this one's).
    /// </summary>
    public ImaginedTrajectories Select(long[] rows, HistoryWindow? window = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(rows);
        using var scope = NewDisposeScope();
        var indices = tensor(rows, device: State.device);
        return new ImaginedTrajectories(History.Select(rows, window ?? History.Window), State.index_select(0, indices), Frame?.index_select(0, indices), Steps);
    }

    /// <summary>Takes the state and frame after one more step (copies they keep).</summary>
    internal void Advance(Tensor state, Tensor? frame)
    {
        var (oldState, oldFrame) = (State, Frame);
        State = state.detach().clone().DetachFromDisposeScope();
        Frame = frame?.detach().clone().DetachFromDisposeScope();
        oldState.Dispose();
        oldFrame?.Dispose();
        Steps++;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        History.Dispose();
        State.Dispose();
        Frame?.Dispose();
    }
}
