using FFMpegCore;

namespace PanGym.Media;

/// <summary>Finds the ffmpeg and ffprobe programs that FFMpegCore drives, and says clearly when they are missing.</summary>
public static class FFmpegTools
{
    /// <summary>Throws <see cref="FFmpegNotFoundException"/> unless ffmpeg and ffprobe can be run.</summary>
    public static void EnsureAvailable()
    {
        var folder = GlobalFFOptions.Current.BinaryFolder;
        foreach (var program in new[] { "ffmpeg", "ffprobe" })
            if (Locate(program, folder) is null)
                throw new FFmpegNotFoundException(
                    $"{program} was not found {(string.IsNullOrEmpty(folder) ? "on PATH" : $"in {folder}")}. " +
                    "PanGym reads and writes video files through ffmpeg: install it (Debian/Ubuntu: sudo apt-get install ffmpeg, " +
                    "or run tools/setup.sh), or point FFMpegCore's GlobalFFOptions.BinaryFolder at a folder that holds ffmpeg and ffprobe.");
    }

    /// <summary>The full path of <paramref name="program"/> in <paramref name="folder"/> or on PATH, or null.</summary>
    public static string? Locate(string program, string? folder = null)
    {
        var name = OperatingSystem.IsWindows() ? program + ".exe" : program;
        var dirs = string.IsNullOrEmpty(folder)
            ? (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            : [folder];
        return dirs.Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
    }
}
