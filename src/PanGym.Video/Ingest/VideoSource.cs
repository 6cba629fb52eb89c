using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using FFMpegCore;
using FFMpegCore.Exceptions;
using PanGym.Media;

namespace PanGym.Data.Video;

/// <summary>
/// A video file as ffprobe describes it: where it is, a stable id for resuming, its duration, picture size and frame
/// rate. <see cref="ProbeAsync"/> makes one and says clearly why a file cannot be read.
/// </summary>
/// <param name="Path">The file's full path.</param>
/// <param name="Id">Stable id of this file's content on disk (path, size and modification time), 16 hex digits.</param>
/// <param name="Duration">Duration of the file (zero when the container does not say).</param>
/// <param name="Width">Picture width in pixels (before any rotation the file asks for).</param>
/// <param name="Height">Picture height in pixels.</param>
/// <param name="FrameRate">The video stream's average frame rate (0 when unknown).</param>
/// <param name="Codec">The video codec's name.</param>
/// <param name="PixelAspect">Sample (pixel) aspect ratio as (width, height); (1, 1) for square pixels, (0, 1) when unknown.</param>
public sealed record VideoSource(string Path, string Id, TimeSpan Duration, int Width, int Height, double FrameRate, string Codec, (int Width, int Height) PixelAspect)
{
    /// <summary>The file's name.</summary>
    public string Name => System.IO.Path.GetFileName(Path);

    /// <summary>Frames a decode at <paramref name="fps"/> should produce, from the duration (0 when unknown).</summary>
    public long ExpectedFrames(double fps) => (long)Math.Round(Duration.TotalSeconds * fps);

    /// <summary>
    /// Probes <paramref name="path"/> with ffprobe.
    /// </summary>
    /// <exception cref="VideoIngestException">The path does not exist, is a folder, cannot be read, is not a video ffprobe understands (corrupt or truncated), or has no video stream.</exception>
    /// <exception cref="FFmpegNotFoundException">ffprobe is not installed.</exception>
    public static async Task<VideoSource> ProbeAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full = System.IO.Path.GetFullPath(path);
        EnsureReadable(full);
        string id = IdOf(full);
        FFmpegTools.EnsureAvailable();
        IMediaAnalysis analysis;
        try
        {
            analysis = await FFProbe.AnalyseAsync(full, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FFMpegException or FormatNullException or System.Text.Json.JsonException)
        {
            throw new VideoIngestException(full, $"Cannot read the video {full}: ffprobe could not open it as a video ({FFmpegMessages.Describe(e)}). The file may be corrupt, truncated or not a video.", e);
        }
        var video = analysis.PrimaryVideoStream
            ?? throw new VideoIngestException(full, $"Cannot read the video {full}: it has no video stream (streams: {Describe(analysis)}).");
        if (video.Width is not > 0 || video.Height is not > 0)
            throw new VideoIngestException(full, $"Cannot read the video {full}: its video stream has no picture size.");
        double rate = double.IsFinite(video.AverageFrameRate) && video.AverageFrameRate > 0 ? video.AverageFrameRate
            : double.IsFinite(video.RealFrameRate) && video.RealFrameRate > 0 ? video.RealFrameRate : 0;
        var duration = analysis.Duration > TimeSpan.Zero ? analysis.Duration : TimeSpan.Zero;
        return new VideoSource(full, id, duration, video.Width.Value, video.Height.Value, rate, video.CodecName ?? "unknown", video.SampleAspectRatio);
    }

    /// <summary>
    /// Checks that <paramref name="fullPath"/> is a readable file (before ffprobe, whose own messages about a missing or
    /// forbidden file are vaguer).
    /// </summary>
    /// <exception cref="VideoIngestException">Missing, a folder, or not readable.</exception>
    internal static void EnsureReadable(string fullPath)
    {
        if (Directory.Exists(fullPath)) throw new VideoIngestException(fullPath, $"Cannot read the video {fullPath}: it is a folder.");
        if (!File.Exists(fullPath)) throw new VideoIngestException(fullPath, $"Cannot read the video {fullPath}: the file does not exist.");
        try
        {
            using var stream = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1);
            if (stream.Length == 0) throw new VideoIngestException(fullPath, $"Cannot read the video {fullPath}: the file is empty.");
        }
        catch (UnauthorizedAccessException e)
        {
            throw new VideoIngestException(fullPath, $"Cannot read the video {fullPath}: permission denied.", e);
        }
        catch (IOException e) when (e is not VideoIngestException)
        {
            throw new VideoIngestException(fullPath, $"Cannot read the video {fullPath}: {e.Message}", e);
        }
    }

    /// <summary>The id of the file at <paramref name="fullPath"/>: a hash of its path, size and modification time (of the path alone when it cannot be read).</summary>
    internal static string IdOf(string fullPath)
    {
        var file = new FileInfo(fullPath);
        string key = file.Exists
            ? string.Create(CultureInfo.InvariantCulture, $"{fullPath}\n{file.Length}\n{file.LastWriteTimeUtc.Ticks}")
            : fullPath;
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..16];
    }

    /// <summary>The probe's facts as JSON, for reports.</summary>
    public JsonObject ToJson() => new()
    {
        ["path"] = Path,
        ["id"] = Id,
        ["duration"] = Math.Round(Duration.TotalSeconds, 3),
        ["width"] = Width,
        ["height"] = Height,
        ["frame_rate"] = Math.Round(FrameRate, 3),
        ["codec"] = Codec,
        ["pixel_aspect"] = new JsonArray(PixelAspect.Width, PixelAspect.Height),
    };

    /// <summary>Reads <see cref="ToJson"/>'s output back.</summary>
    /// <exception cref="FormatException">A field is missing or of the wrong kind.</exception>
    public static VideoSource FromJson(JsonNode? node)
    {
        var aspect = JsonFields.Array(node, "pixel_aspect");
        return new VideoSource(
            JsonFields.Get<string>(node, "path"), JsonFields.Get<string>(node, "id"), TimeSpan.FromSeconds(JsonFields.Get<double>(node, "duration")),
            JsonFields.Get<int>(node, "width"), JsonFields.Get<int>(node, "height"), JsonFields.Get<double>(node, "frame_rate"), JsonFields.Get<string>(node, "codec"),
            aspect.Count == 2 && aspect[0] is JsonValue w && w.TryGetValue(out int width) && aspect[1] is JsonValue h && h.TryGetValue(out int height) ? (width, height) : (1, 1));
    }

    static string Describe(IMediaAnalysis analysis)
    {
        var kinds = analysis.AudioStreams.Select(_ => "audio").Concat(analysis.SubtitleStreams.Select(_ => "subtitle")).ToList();
        return kinds.Count == 0 ? "none" : string.Join(", ", kinds);
    }
}
