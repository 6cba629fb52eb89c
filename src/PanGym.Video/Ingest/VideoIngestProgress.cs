namespace PanGym.Data.Video;

/// <summary>Where an ingest stands, reported as frames are decoded and clips are written.</summary>
/// <param name="FilesDone">Inputs finished (ingested, failed or skipped as already done).</param>
/// <param name="FilesTotal">Inputs in all.</param>
/// <param name="FramesDecoded">Frames decoded so far in this run.</param>
/// <param name="FramesExpected">Frames the probed durations promise for this run (an estimate).</param>
/// <param name="ClipsKept">Clips written as episodes (resumed ones included).</param>
/// <param name="ClipsDropped">Clips dropped in this run.</param>
public sealed record VideoIngestProgress(int FilesDone, int FilesTotal, long FramesDecoded, long FramesExpected, int ClipsKept, int ClipsDropped)
{
    /// <summary>Share of the work done, in [0, 1] (by frames; by files when no durations are known).</summary>
    public double Fraction => FramesExpected > 0
        ? Math.Clamp((double)FramesDecoded / FramesExpected, 0, FilesDone == FilesTotal ? 1 : 0.999)
        : FilesTotal == 0 ? 1 : (double)FilesDone / FilesTotal;
}
