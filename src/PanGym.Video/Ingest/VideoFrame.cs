using PanGym.Gym;

namespace PanGym.Data.Video;

/// <summary>
/// One decoded frame of a video at the ingest's frame rate and analysis size, with its position in the sampled stream
/// and its luma (computed once; the shot-cut detector, the filters and the motion captioner all read it).
/// </summary>
public sealed class VideoFrame
{
    float[]? _luma;

    /// <summary>Wraps a decoded square frame.</summary>
    /// <param name="index">Position in the sampled stream (0, 1, 2, … at the ingest's frame rate).</param>
    /// <param name="time">Seconds from the start of the video.</param>
    /// <param name="image">The frame, square.</param>
    /// <exception cref="ArgumentException">A negative index or time, or an image that is not square.</exception>
    public VideoFrame(int index, double time, Image image)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        if (!(time >= 0)) throw new ArgumentOutOfRangeException(nameof(time), time, "A frame's time must be a non-negative number of seconds.");
        if (image.Height != image.Width) throw new ArgumentException($"Video frames are square here; got {image.Height}×{image.Width}.", nameof(image));
        (Index, Time, Image) = (index, time, image);
    }

    /// <summary>Position in the sampled stream.</summary>
    public int Index { get; }

    /// <summary>Seconds from the start of the video.</summary>
    public double Time { get; }

    /// <summary>The frame at analysis size.</summary>
    public Image Image { get; }

    /// <summary>Side of the square frame in pixels.</summary>
    public int Size => Image.Width;

    /// <summary>Rec. 601 luma in [0, 1], row-major (read-only by convention).</summary>
    public float[] Luma => _luma ??= FrameMath.Luma(Image);
}
