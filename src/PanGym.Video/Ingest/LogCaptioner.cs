using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace PanGym.Data.Video;

/// <summary>
/// Captions steps from an action log written when the video was recorded from an environment: the exact actions, no
/// guessing. The log of <c>clip.mp4</c> is <c>clip.mp4.actions.txt</c> or <c>clip.actions.txt</c> (next to the video,
/// or in <see cref="LogFolder"/>): UTF-8 text, one action per line, line i being the action that took the video's frame
/// i to frame i + 1 at the video's own frame rate.
/// </summary>
/// <remarks>
/// When the ingest samples at the video's own rate, step t gets line t. At a lower rate a step spans several recorded
/// actions; different ones are joined in order with ", then " (a run of one repeated action is named once).
/// </remarks>
public sealed class LogCaptioner : IClipCaptioner
{
    /// <summary>The suffix of an action log's file name.</summary>
    public const string Suffix = ".actions.txt";

    readonly ConcurrentDictionary<string, (string[] Actions, double Fps)> _logs = new();

    /// <summary>A captioner that finds each video's log next to it, or in <paramref name="logFolder"/> when given.</summary>
    public LogCaptioner(string? logFolder = null)
    {
        LogFolder = logFolder is null ? null : Path.GetFullPath(logFolder);
    }

    /// <summary>Where the logs are, when not next to the videos.</summary>
    public string? LogFolder { get; }

    /// <inheritdoc />
    public string Name => "log";

    /// <inheritdoc />
    public JsonObject Describe() => new() { ["captioner"] = Name, ["suffix"] = Suffix };

    /// <summary>The paths where the log of <paramref name="videoPath"/> is looked for, in order.</summary>
    public IReadOnlyList<string> LogPathsOf(string videoPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(videoPath);
        string folder = LogFolder ?? Path.GetDirectoryName(Path.GetFullPath(videoPath))!;
        return [Path.Combine(folder, Path.GetFileName(videoPath) + Suffix), Path.Combine(folder, Path.GetFileNameWithoutExtension(videoPath) + Suffix)];
    }

    /// <inheritdoc />
    public async ValueTask PrepareAsync(VideoSource source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        var candidates = LogPathsOf(source.Path);
        string path = candidates.FirstOrDefault(File.Exists)
            ?? throw new VideoIngestException(source.Path, $"No action log for {source.Path}: the log captioner looks for {string.Join(" or ", candidates)}.");
        if (!(source.FrameRate > 0))
            throw new VideoIngestException(source.Path, $"The frame rate of {source.Path} is unknown, so its action log's lines cannot be matched to frames.");
        var lines = (await File.ReadAllLinesAsync(path, cancellationToken).ConfigureAwait(false)).ToList();
        while (lines.Count > 0 && lines[^1].Trim().Length == 0) lines.RemoveAt(lines.Count - 1);
        for (int i = 0; i < lines.Count; i++)
            if (lines[i].Trim().Length == 0) throw new VideoIngestException(path, $"The action log {path} has an empty line {i + 1}; every line must name the action of one step.");
        if (lines.Count == 0) throw new VideoIngestException(path, $"The action log {path} is empty.");
        _logs[source.Path] = ([.. lines.Select(l => l.Trim())], source.FrameRate);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> CaptionAsync(VideoClip clip, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clip);
        if (!_logs.ContainsKey(clip.Source.Path)) await PrepareAsync(clip.Source, cancellationToken).ConfigureAwait(false);
        var (actions, fps) = _logs[clip.Source.Path];
        var captions = new string[clip.Steps];
        for (int t = 0; t < clip.Steps; t++)
        {
            int step = clip.StartFrame + t;
            int first = (int)Math.Round(step * fps / clip.Fps);
            int end = Math.Max(first + 1, (int)Math.Round((step + 1) * fps / clip.Fps));
            if (end > actions.Length)
                throw new VideoIngestException(clip.Source.Path,
                    $"The action log of {clip.Source.Path} has {actions.Length} lines, but step {step} of the video needs the actions of its frames {first}–{end - 1}; the log is too short for the video.");
            var named = new List<string>();
            for (int i = first; i < end; i++)
                if (named.Count == 0 || named[^1] != actions[i]) named.Add(actions[i]);
            captions[t] = string.Join(", then ", named);
        }
        return captions;
    }
}
