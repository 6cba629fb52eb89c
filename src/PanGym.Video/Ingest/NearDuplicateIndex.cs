namespace PanGym.Data.Video;

/// <summary>
/// The perceptual hashes of the clips kept so far, across all videos of an ingest (thread-safe). A clip is reserved
/// before it is captioned, so two workers never both keep copies of one clip, and released when it is not kept after all.
/// </summary>
internal sealed class NearDuplicateIndex(int maxDistance)
{
    readonly Lock _gate = new();
    readonly List<(ClipScores Scores, string Name)> _kept = [];

    /// <summary>Adds a clip that is already in the data set (from a resumed write).</summary>
    public void Add(ClipScores scores, string name)
    {
        lock (_gate) _kept.Add((scores, name));
    }

    /// <summary>Reserves the clip unless it is a near-duplicate of a kept one; then returns false and that clip's name.</summary>
    public bool TryReserve(ClipScores scores, string name, out string? original)
    {
        lock (_gate)
        {
            foreach (var (kept, keptName) in _kept)
                if (scores.IsNearDuplicateOf(kept, maxDistance))
                {
                    original = keptName;
                    return false;
                }
            _kept.Add((scores, name));
            original = null;
            return true;
        }
    }

    /// <summary>Forgets a reserved clip that was not kept.</summary>
    public void Release(ClipScores scores)
    {
        lock (_gate)
        {
            int index = _kept.FindLastIndex(entry => ReferenceEquals(entry.Scores, scores));
            if (index >= 0) _kept.RemoveAt(index);
        }
    }
}
