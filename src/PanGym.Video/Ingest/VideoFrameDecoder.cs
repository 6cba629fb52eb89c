using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using FFMpegCore;
using FFMpegCore.Exceptions;
using PanGym.Gym;
using PanGym.Media;

namespace PanGym.Data.Video;

/// <summary>
/// Decodes a video file into square RGB frames at a chosen rate and size through ffmpeg, streaming: ffmpeg reads the
/// file itself (Debian's ffmpeg 5.1 mishandles piped input) and writes raw rgb24 frames into a named pipe (a FIFO in
/// the temporary folder), which is read one frame at a time. ffmpeg blocks while the reader is behind, so a long video
/// never sits whole in memory or on disk. (FFMpegCore's own output pipes are not used: they are closed as soon as ffmpeg
/// exits, dropping whatever a slower reader has not read yet.) Where named pipes do not exist (Windows), ffmpeg writes a
/// temporary file that is read once it is complete.
/// </summary>
public static class VideoFrameDecoder
{
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
    /// <paramref name="size"/>, in order. Frame i lies at i / <paramref name="fps"/> seconds. Stopping the enumeration
    /// early stops ffmpeg.
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
        string output = Path.Combine(Path.GetTempPath(), $"pangym-decode-{Guid.NewGuid():N}.rgb");
        bool streaming = !OperatingSystem.IsWindows() && MakeFifo(output, 0x180) == 0; // 0600
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // A FIFO's reader blocks in open until ffmpeg opens it for writing, so open it on the side; a regular file is read when complete.
        var opening = streaming ? Task.Run(() => OpenRead(output), CancellationToken.None) : null;
        string filters = FilterChain(source, fps, size, framing);
        var decoding = Task.Run(() => FFMpegArguments
            .FromFileInput(source.Path, verifyExists: true)
            .OutputToFile(output, overwrite: true, options => options
                .WithCustomArgument($"-map 0:v:0 -an -sn -dn -vf \"{filters}\"")
                .ForceFormat("rawvideo"))
            .ProcessAsynchronously(true, null, stop.Token), CancellationToken.None);
        if (opening is not null)
            _ = decoding.ContinueWith(_ => ReleaseReader(output, opening), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);

        int index = 0;
        Stream? stream = null;
        bool finished = false;
        try
        {
            if (opening is null)
            {
                await WaitQuietly(decoding).ConfigureAwait(false);
                stream = File.Exists(output) ? OpenRead(output) : Stream.Null;
            }
            else stream = await opening.ConfigureAwait(false);
            while (true)
            {
                var buffer = new byte[frameBytes];
                int read = await stream.ReadAtLeastAsync(buffer, frameBytes, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                if (read < frameBytes)
                {
                    if (read > 0)
                        throw new VideoIngestException(source.Path, $"ffmpeg's output for {source.Path} ended inside frame {index} ({read} of {frameBytes} bytes).");
                    break;
                }
                yield return new VideoFrame(index, index / fps, new Image(size, size, buffer));
                index++;
            }
            finished = true;
        }
        finally
        {
            if (!finished) await stop.CancelAsync().ConfigureAwait(false);
            stream?.Dispose();
            await WaitQuietly(decoding).ConfigureAwait(false);
            if (opening is not null) (await WaitQuietly(opening).ConfigureAwait(false))?.Dispose();
            File.Delete(output);
        }
        try
        {
            await decoding.ConfigureAwait(false);
        }
        catch (FFMpegException e)
        {
            throw new VideoIngestException(source.Path, $"ffmpeg failed to decode {source.Path} after {index} frames: {FFmpegMessages.Describe(e)}", e);
        }
    }

    static FileStream OpenRead(string path) => new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1 << 16);

    /// <summary>When ffmpeg ends without ever opening the FIFO (it failed first), a brief writer lets the blocked reader open and see the end.</summary>
    static void ReleaseReader(string fifo, Task<FileStream> opening)
    {
        if (opening.IsCompleted) return;
        try
        {
            using var writer = new FileStream(fifo, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1);
        }
        catch (IOException)
        {
            // The reader opened meanwhile, or the FIFO is gone: nothing is blocked.
        }
    }

    /// <summary>Waits for a task, ignoring how it ended (its result, or default when it failed).</summary>
    static async Task<T?> WaitQuietly<T>(Task<T> task)
    {
        try
        {
            return await task.ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or FFMpegException or IOException or UnauthorizedAccessException)
        {
            return default;
        }
    }

    [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int MakeFifo([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mode);
}
