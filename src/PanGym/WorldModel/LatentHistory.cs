using PanGym.Backbone;

namespace PanGym.WorldModel;

/// <summary>
/// The history the dynamics has read so far for B imagined trajectories: the backbone's KV cache over every earlier
/// turn, so that predicting the next state costs O(new tokens × context) rather than re-reading the history. Branch it
/// with <see cref="Clone"/>, <see cref="Repeat"/> or <see cref="Select"/> to imagine many futures from one past without
/// recomputing it. Owns native memory: dispose it.
/// </summary>
public sealed class LatentHistory : IDisposable
{
    internal LatentHistory(KvCache cache, int turns)
    {
        Cache = cache;
        Turns = turns;
    }

    /// <summary>The backbone's keys and values of every token read so far.</summary>
    internal KvCache Cache { get; }

    /// <summary>Turns (state + action → prediction) read so far.</summary>
    public int Turns { get; internal set; }

    /// <summary>Number of trajectories B.</summary>
    public int BatchSize => Cache.BatchSize;

    /// <summary>An independent copy (the caller owns it).</summary>
    public LatentHistory Clone() => new(Cache.Clone(), Turns);

    /// <summary>Each trajectory repeated <paramref name="copies"/> times in place (b0, b0, …, b1, b1, …).</summary>
    public LatentHistory Repeat(int copies) => new(Cache.Repeat(copies), Turns);

    /// <summary>The trajectories at <paramref name="indices"/>, in that order.</summary>
    public LatentHistory Select(params long[] indices) => new(Cache.Select(indices), Turns);

    /// <inheritdoc />
    public void Dispose() => Cache.Dispose();
}
