namespace PanGym.Data.Video;

/// <summary>What one video's ingest has found so far.</summary>
/// <param name="source">The video being ingested.</param>
internal sealed class SourceIngestState(VideoSource source)
{
    /// <summary>Frames decoded.</summary>
    public int Frames;

    /// <summary>Clips that passed the content filters so far (numbers them for the split).</summary>
    public int Ordinal;

    /// <summary>Clips kept (written now or before a resume).</summary>
    public int ClipsKept;

    /// <summary>Steps in the kept clips.</summary>
    public long StepsKept;

    /// <summary>The frames that start a new shot.</summary>
    public List<int> Cuts { get; } = [];

    /// <summary>The clips dropped, with their reasons.</summary>
    public List<DroppedClip> Dropped { get; } = [];

    /// <summary>Warnings for the video's report.</summary>
    public List<string> Warnings { get; } = [];

    /// <summary>Counts a kept clip of <paramref name="steps"/> steps.</summary>
    public void Kept(int steps)
    {
        ClipsKept++;
        StepsKept += steps;
    }

    /// <summary>The video's report from what was found.</summary>
    public VideoSourceReport Report(bool succeeded, string? error, TimeSpan elapsed) =>
        new(source.Path, source.Id, succeeded, error, source, Frames, [.. Cuts], ClipsKept, StepsKept, [.. Dropped], [.. Warnings], elapsed.TotalSeconds);
}
