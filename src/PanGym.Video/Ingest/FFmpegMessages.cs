using FFMpegCore.Exceptions;

namespace PanGym.Data.Video;

/// <summary>Turns FFMpegCore's exceptions into the few lines of ffmpeg's or ffprobe's own error output that say what went wrong.</summary>
internal static class FFmpegMessages
{
    /// <summary>The last lines (at most three) of the program's error output, or the exception's message.</summary>
    public static string Describe(Exception e)
    {
        IEnumerable<string> lines = e switch
        {
            FFMpegProcessException process => process.Result.StandardError,
            FFProbeProcessException probe => probe.StandardError,
            _ => [e.Message],
        };
        var useful = lines.SelectMany(l => l.Split('\n')).Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        return useful.Count == 0 ? $"{e.GetType().Name}: {e.Message}" : string.Join("; ", useful.TakeLast(3));
    }
}
