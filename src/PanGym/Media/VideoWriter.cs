using FFMpegCore;
using PanGym.Gym;

namespace PanGym.Media;

/// <summary>
/// Writes a sequence of frames to an mp4 (H.264) or gif file through ffmpeg. Frames go to ffmpeg as a raw rgb24 file
/// (Debian's ffmpeg 5.1 mishandles piped input), the output is written under a temporary name and renamed into place,
/// so a failed write leaves no half-written video.
/// </summary>
public static class VideoWriter
{
    /// <summary>The file extensions this writer understands.</summary>
    public static IReadOnlyList<string> SupportedExtensions { get; } = [".mp4", ".gif"];

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
        ArgumentOutOfRangeException.ThrowIfLessThan(scale, 1);
        var extension = Path.GetExtension(path).ToLowerInvariant();
        if (!SupportedExtensions.Contains(extension))
            throw new ArgumentException($"Cannot write video \"{path}\": unsupported extension \"{extension}\"; use one of {string.Join(", ", SupportedExtensions)}.", nameof(path));
        if (frames.Count == 0) throw new ArgumentException("Cannot write a video with no frames.", nameof(frames));
        int height = frames[0].Height, width = frames[0].Width;
        foreach (var frame in frames) frame.EnsureSize(height, width, "video frame");
        if (Directory.Exists(path)) throw new IOException($"Cannot write video \"{path}\": a folder of that name exists.");
        FFmpegTools.EnsureAvailable();

        var fullPath = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        var rawPath = Path.Combine(Path.GetTempPath(), $"pangym-{Guid.NewGuid():N}.rgb");
        var tempOutput = Path.Combine(Path.GetDirectoryName(fullPath)!, $".{Path.GetFileNameWithoutExtension(fullPath)}.{Guid.NewGuid():N}.tmp{extension}");
        try
        {
            using (var raw = File.Create(rawPath))
                foreach (var frame in frames) raw.Write(frame.Data);

            var upscale = $"scale=iw*{scale}:ih*{scale}:flags=neighbor";
            var filter = extension == ".gif"
                ? $"{upscale},split[a][b];[a]palettegen=stats_mode=full[p];[b][p]paletteuse=dither=none"
                : $"{upscale},pad=ceil(iw/2)*2:ceil(ih/2)*2";
            FFMpegArguments
                .FromFileInput(rawPath, verifyExists: true, input => input
                    .ForceFormat("rawvideo")
                    .WithCustomArgument($"-pixel_format rgb24 -video_size {width}x{height} -framerate {fps}"))
                .OutputToFile(tempOutput, overwrite: true, output =>
                {
                    output.WithCustomArgument($"-vf \"{filter}\"");
                    if (extension == ".mp4")
                        output.WithCustomArgument("-c:v libx264 -pix_fmt yuv420p -crf 18 -movflags +faststart");
                    else
                        output.WithCustomArgument("-loop 0");
                })
                .ProcessSynchronously();
            File.Move(tempOutput, fullPath, overwrite: true);
        }
        finally
        {
            File.Delete(rawPath);
            if (File.Exists(tempOutput)) File.Delete(tempOutput);
        }
    }
}
