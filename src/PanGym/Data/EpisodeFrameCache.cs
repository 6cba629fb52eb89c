namespace PanGym.Data;

/// <summary>
/// The decoded frames of the episodes read most recently, least recently used first out, within a byte budget. An
/// episode larger than the whole budget is read but not kept.
/// </summary>
internal sealed class EpisodeFrameCache(EpisodeDataset dataset, long byteBudget)
{
    readonly Dictionary<string, LinkedListNode<(string Id, byte[] Frames)>> _nodes = [];
    readonly LinkedList<(string Id, byte[] Frames)> _byRecency = new();

    /// <summary>Bytes of frames held.</summary>
    public long Bytes { get; private set; }

    /// <summary>Episodes held.</summary>
    public int Count => _nodes.Count;

    /// <summary>Episodes read from disk so far.</summary>
    public long Reads { get; private set; }

    /// <summary>The episode's frames, [T+1, H, W, 3] bytes, from the cache or from disk.</summary>
    public byte[] Get(EpisodeRecord episode)
    {
        if (_nodes.TryGetValue(episode.Id, out var node))
        {
            _byRecency.Remove(node);
            _byRecency.AddFirst(node);
            return node.Value.Frames;
        }
        var frames = dataset.ReadFrameBytes(episode);
        Reads++;
        if (frames.Length > byteBudget) return frames;
        while (Bytes + frames.Length > byteBudget)
        {
            var oldest = _byRecency.Last!.Value;
            _byRecency.RemoveLast();
            _nodes.Remove(oldest.Id);
            Bytes -= oldest.Frames.Length;
        }
        _nodes[episode.Id] = _byRecency.AddFirst((episode.Id, frames));
        Bytes += frames.Length;
        return frames;
    }
}
