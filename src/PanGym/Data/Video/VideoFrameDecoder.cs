using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using FFMpegCore;
using FFMpegCore.Exceptions;
using FFMpegCore.Pipes;
using PanGym.Gym;
using PanGym.Media;

namespace PanGym.Data.Video;

/// <summary>
/// Decodes a video file into square RGB frames at a chosen rate and size through ffmpeg, streaming: ffmpeg reads the
/// file itself (Debian's ffmpeg 5.1 mishandles piped input) and writes raw rgb24 frames into an output pipe, which is
/// read one frame at a time through a small bounded queue. A slow consumer holds ffmpeg back, so a long video never
/// sits whole in memory or on disk.
/// </summary>
public static class VideoFrameDecoder
{
    /// <summary>Frames decoded ahead of the consumer at most.</summary>
    const int QueuedFrames = 8;

    /// <summary>
    /// The ffmpeg filter chain that samples <paramref name="fps"/> frames per second and makes them
    /// <paramref name="size"/>×<paramref name="size"/> rgb24: square pixels first (from the file's pixel aspect), then
    /// the central square or a stretch, then an area-averaging scale.
    /// </summary>
    public static string FilterChain(VideoSource source, double fps, int size, VideoFraming framing)
    {
        ArgumentNullException.ThrowIfNull(source);
        var filters = new List<string> { string.Create(CultureInfo.InvariantCulture, $"fps={fps:R}") };
        var (sarWidth, sarHeight) = source.PixelAspect;
        if (sarWidth > 0 && sarHeight > 0 && sarWidth != sarHeight)
            filters.Add(string.Create(CultureInfo.InvariantCulture, $"scale=trunc(iw*{sarWidth}/{sarHeight}/2)*2:ih,setsar=1"));
        if (framing == VideoFraming.CenterCrop) filters.Add("crop='min(iw,ih)':'min(iw,ih)'");
        filters.Add(string.Create(CultureInfo.InvariantCulture, $"scale={size}:{size}:flags=area,format=rgb24"));
        return string.Join(",", filters);
    }

    /// <summary>
    /// The frames of <paramref name="source"/> sampled at <paramref name="fps"/> frames per second, square of side
    /// <paramref name="size"/>, in order. Frame i lies at i / <paramref name="fps"/> seconds.
    /// </summary>
    /// <exception cref="VideoIngestException">ffmpeg failed to decode the file (the message has ffmpeg's own words).</exception>
    /// <exception cref="FFmpegNotFoundException">ffmpeg is not installed.</exception>
    public static async IAsyncEnumerable<VideoFrame> DecodeAsync(VideoSource source, double fps, int size, VideoFraming framing = VideoFraming.CenterCrop,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        if (!(double.IsFinite(fps) && fps > 0)) throw new ArgumentOutOfRangeException(nameof(fps), fps, "The frame rate must be positive.");
        FFmpegTools.EnsureAvailable();
        int frameBytes = size * size * Image.Channels;
        var queue = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(QueuedFrames) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var sink = new StreamPipeSink(async (stream, token) =>
        {
            while (true)
            {
                var buffer = new byte[frameBytes];
                int read = await stream.ReadAtLeastAsync(buffer, frameBytes, throwOnEndOfStream: false, token).ConfigureAwait(false);
                if (read < frameBytes)
                {
                    if (read > 0) throw new InvalidDataException($"ffmpeg's output ended inside a frame ({read} of {frameBytes} bytes).");
                    return;
                }
                await queue.Writer.WriteAsync(buffer, token).ConfigureAwait(false);
            }
        });
        string filters = FilterChain(source, fps, size, framing);
        var decoding = Task.Run(() => FFMpegArguments
            .FromFileInput(source.Path, verifyExists: true)
            .OutputToPipe(sink, output => output
                .WithCustomArgument($"-map 0:v:0 -an -sn -dn -vf \"{filters}\"")
                .ForceFormat("rawvideo"))
            .ProcessAsynchronously(throwOnError: true, cancellationToken: stop.Token), CancellationToken.None);
        _ = decoding.ContinueWith(_ => queue.Writer.TryComplete(), TaskScheduler.Default);

        bool finished = false;
        int index = 0;
        try
        {
            while (await queue.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
                while (queue.Reader.TryRead(out var bytes))
                {
                    yield return new VideoFrame(index, index / fps, new Image(size, size, bytes));
                    index++;
                }
            finished = true;
        }
        finally
        {
            if (!finished)
            {
                await stop.CancelAsync().ConfigureAwait(false);
                try
                {
                    await decoding.ConfigureAwait(false);
                }
                catch (Exception e) when (e is OperationCanceledException or FFMpegException or IOException or InvalidDataException)
                {
                    // The consumer stopped early; ffmpeg was stopped with it, and how it ended no longer matters.
                }
            }
        }
        try
        {
            await decoding.ConfigureAwait(false);
        }
        catch (FFMpegException e)
        {
            throw new VideoIngestException(source.Path, $"ffmpeg failed to decode {source.Path} after {index} frames: {FFmpegMessages.Describe(e)}", e);
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            throw new VideoIngestException(source.Path, $"Reading the frames ffmpeg decoded from {source.Path} failed after {index} frames: {e.Message}", e);
        }
    }
}
