using FFMpegCore;
using PanGym.Gym;

namespace PanGym.Media;

/// <summary>
/// Writes a sequence of frames to an mp4 (H.264) or gif file through ffmpeg. Frames go to ffmpeg as a raw rgb24 file
/// (Debian's ffmpeg 5.1 mishandles piped input), the output is written under a temporary name and renamed into place,
/// so a failed write leaves no half-written video. A gif takes two passes over that file (the palette of every frame,
/// then the frames mapped to it), so ffmpeg streams the frames instead of holding them all for the palette.
/// </summary>
public static class VideoWriter
{
    /// <summary>The file extensions this writer understands.</summary>
    public static IReadOnlyList<string> SupportedExtensions { get; } = [".mp4", ".gif"];

    /// <summary>The largest side, in pixels, of a written (scaled) frame; H.264 encoders stop near 8K.</summary>
    public const int MaxScaledSide = 8192;

    /// <summary>
    /// Checks what <see cref="Write"/> would refuse about <paramref name="path"/> and <paramref name="scale"/> before any
    /// frame is made: the extension, a folder of that name, a parent that is a file or cannot be written, a scale beyond
    /// <see cref="MaxScaledSide"/>. Returns the full path.
    /// </summary>
    /// <exception cref="ArgumentException">The extension or the scale is not supported.</exception>
    /// <exception cref="IOException">The file cannot be written there.</exception>
    public static string CheckOutput(string path, int scale = 1)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var extension = Path.GetExtension(path).ToLowerInvariant();
        if (!SupportedExtensions.Contains(extension))
            throw new ArgumentException($"Cannot write video \"{path}\": unsupported extension \"{extension}\"; use one of {string.Join(", ", SupportedExtensions)}.", nameof(path));
        if (scale < 1 || scale > MaxScaledSide)
            throw new ArgumentException($"The video scale must be between 1 and {MaxScaledSide}; got {scale}.", nameof(scale));
        return OutputLocation.EnsureCanWriteFile(path);
    }

    /// <summary>Writes <paramref name="frames"/> to <paramref name="path"/> (format from its extension).</summary>
    /// <param name="path">Output file, ending in .mp4 or .gif.</param>
    /// <param name="frames">Frames of one size.</param>
    /// <param name="fps">Playback rate.</param>
    /// <param name="scale">Integer nearest-neighbour enlargement, so that small frames are visible. mp4 output is
    /// padded to even dimensions, which H.264 requires.</param>
    public static void Write(string path, IReadOnlyList<Image> frames, int fps = 4, int scale = 1)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(frames);
        ArgumentOutOfRangeException.ThrowIfLessThan(fps, 1);
        var fullPath = CheckOutput(path, scale);
        var extension = Path.GetExtension(fullPath).ToLowerInvariant();
        if (frames.Count == 0) throw new ArgumentException("Cannot write a video with no frames.", nameof(frames));
        int height = frames[0].Height, width = frames[0].Width;
        foreach (var frame in frames) frame.EnsureSize(height, width, "video frame");
        if ((long)Math.Max(height, width) * scale > MaxScaledSide)
            throw new ArgumentException($"Frames of {width}×{height} pixels at scale {scale} would be {(long)width * scale}×{(long)height * scale}, beyond the {MaxScaledSide}-pixel side a video may have; use a smaller scale.", nameof(scale));
        FFmpegTools.EnsureAvailable();

        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        var rawPath = Path.Combine(Path.GetTempPath(), $"pangym-{Guid.NewGuid():N}.rgb");
        var palettePath = Path.Combine(Path.GetTempPath(), $"pangym-{Guid.NewGuid():N}.palette.png");
        var tempOutput = Path.Combine(Path.GetDirectoryName(fullPath)!, $".{Path.GetFileNameWithoutExtension(fullPath)}.{Guid.NewGuid():N}.tmp{extension}");
        try
        {
            using (var raw = File.Create(rawPath))
                foreach (var frame in frames) raw.Write(frame.Data);

            var upscale = $"scale=iw*{scale}:ih*{scale}:flags=neighbor";
            string input = $"-pixel_format rgb24 -video_size {width}x{height} -framerate {fps}";
            if (extension == ".gif")
            {
                FFMpegArguments
                    .FromFileInput(rawPath, verifyExists: true, options => options.ForceFormat("rawvideo").WithCustomArgument(input))
                    .OutputToFile(palettePath, overwrite: true, output => output.WithCustomArgument($"-vf \"{upscale},palettegen=stats_mode=full\" -frames:v 1 -update 1"))
                    .ProcessSynchronously();
                FFMpegArguments
                    .FromFileInput(rawPath, verifyExists: true, options => options.ForceFormat("rawvideo").WithCustomArgument(input))
                    .AddFileInput(palettePath)
                    .OutputToFile(tempOutput, overwrite: true, output =>
                        output.WithCustomArgument($"-lavfi \"[0:v]{upscale}[frames];[frames][1:v]paletteuse=dither=none\" -loop 0"))
                    .ProcessSynchronously();
            }
            else
            {
                FFMpegArguments
                    .FromFileInput(rawPath, verifyExists: true, options => options.ForceFormat("rawvideo").WithCustomArgument(input))
                    .OutputToFile(tempOutput, overwrite: true, output => output
                        .WithCustomArgument($"-vf \"{upscale},pad=ceil(iw/2)*2:ceil(ih/2)*2\"")
                        .WithCustomArgument("-c:v libx264 -pix_fmt yuv420p -crf 18 -movflags +faststart"))
                    .ProcessSynchronously();
            }
            File.Move(tempOutput, fullPath, overwrite: true);
        }
        catch (FFMpegCore.Exceptions.FFMpegException e)
        {
            string reason = e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? e.GetType().Name;
            throw new IOException($"ffmpeg could not write {fullPath}: {reason}", e);
        }
        finally
        {
            File.Delete(rawPath);
            File.Delete(palettePath);
            if (File.Exists(tempOutput)) File.Delete(tempOutput);
        }
    }
}
