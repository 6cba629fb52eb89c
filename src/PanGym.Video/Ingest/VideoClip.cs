namespace PanGym.Data.Video;

/// <summary>
/// A run of consecutive frames inside one shot of a video: a candidate episode o_0 … o_T whose T steps a captioner
/// describes. Frames are at the ingest's analysis size.
/// </summary>
public sealed class VideoClip
{
    /// <summary>A clip of <paramref name="frames"/> (at least one, consecutive) from shot <paramref name="shot"/> of <paramref name="source"/>.</summary>
    /// <exception cref="ArgumentException">No frames, or frames that are not consecutive.</exception>
    public VideoClip(VideoSource source, int shot, IReadOnlyList<VideoFrame> frames, double fps)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(frames);
        ArgumentOutOfRangeException.ThrowIfNegative(shot);
        if (frames.Count == 0) throw new ArgumentException("A clip needs at least one frame.", nameof(frames));
        for (int i = 1; i < frames.Count; i++)
            if (frames[i].Index != frames[0].Index + i)
                throw new ArgumentException($"A clip's frames must be consecutive; frame {i} has index {frames[i].Index}, expected {frames[0].Index + i}.", nameof(frames));
        if (!(double.IsFinite(fps) && fps > 0)) throw new ArgumentOutOfRangeException(nameof(fps), fps, "The frame rate must be positive.");
        (Source, Shot, Frames, Fps) = (source, shot, [.. frames], fps);
    }

    /// <summary>The video the clip comes from.</summary>
    public VideoSource Source { get; }

    /// <summary>Index of the clip's shot in its video (0 for the first shot).</summary>
    public int Shot { get; }

    /// <summary>The frames o_0 … o_T.</summary>
    public IReadOnlyList<VideoFrame> Frames { get; }

    /// <summary>The sampling rate the frames were decoded at.</summary>
    public double Fps { get; }

    /// <summary>Steps T (frames − 1).</summary>
    public int Steps => Frames.Count - 1;

    /// <summary>Index of the first frame in the sampled stream.</summary>
    public int StartFrame => Frames[0].Index;

    /// <summary>Index of the last frame in the sampled stream.</summary>
    public int EndFrame => Frames[^1].Index;

    /// <summary>Seconds from the start of the video to the first frame.</summary>
    public double StartTime => Frames[0].Time;

    /// <summary>Seconds from the start of the video to the last frame.</summary>
    public double EndTime => Frames[^1].Time;

    /// <inheritdoc />
    public override string ToString() => $"{Source.Name} shot {Shot}, frames {StartFrame}–{EndFrame} ({StartTime:0.###}–{EndTime:0.###} s)";
}
