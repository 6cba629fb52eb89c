using PanGym.Media;

namespace PanGym.Gym.Wrappers;

/// <summary>
/// Gymnasium's <c>RecordVideo</c>: records the rendered frames of selected episodes and writes each as
/// <c>{namePrefix}-episode-{id}.{mp4|gif}</c> in <see cref="VideoFolder"/> when the episode ends (or at the next
/// reset or close, if it is still running).
/// </summary>
public sealed class RecordVideo<TObs, TAction> : Wrapper<TObs, TAction>
{
    readonly Func<int, bool> _episodeTrigger;
    readonly List<Image> _frames = [];
    readonly List<string> _written = [];
    int _episodeId = -1;
    bool _recording;

    /// <summary>Wraps <paramref name="env"/>.</summary>
    /// <param name="env">The environment to record.</param>
    /// <param name="videoFolder">Where the videos go (created when missing).</param>
    /// <param name="episodeTrigger">Which episodes (0-based) to record; default: all.</param>
    /// <param name="namePrefix">File name prefix.</param>
    /// <param name="format">"mp4" or "gif".</param>
    /// <param name="scale">Integer enlargement of the frames in the video.</param>
    /// <param name="fps">Playback rate; default: the environment's <see cref="EnvMetadata.RenderFps"/>.</param>
    /// <param name="leaveOpen">Whether closing the wrapper (which writes the running episode's video) leaves <paramref name="env"/> open.</param>
    public RecordVideo(Env<TObs, TAction> env, string videoFolder, Func<int, bool>? episodeTrigger = null,
        string namePrefix = "rl-video", string format = "mp4", int scale = 1, int? fps = null, bool leaveOpen = false) : base(env, leaveOpen)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(videoFolder);
        if (File.Exists(videoFolder)) throw new IOException($"The video folder \"{videoFolder}\" is a file.");
        Format = format.TrimStart('.').ToLowerInvariant();
        if (!VideoWriter.SupportedExtensions.Contains("." + Format))
            throw new ArgumentException($"Unsupported video format \"{format}\"; use mp4 or gif.", nameof(format));
        VideoFolder = videoFolder;
        NamePrefix = namePrefix;
        Scale = scale;
        Fps = fps ?? env.Metadata.RenderFps;
        _episodeTrigger = episodeTrigger ?? (_ => true);
    }

    /// <summary>Where the videos are written.</summary>
    public string VideoFolder { get; }

    /// <summary>File name prefix.</summary>
    public string NamePrefix { get; }

    /// <summary>"mp4" or "gif".</summary>
    public string Format { get; }

    /// <summary>Enlargement factor.</summary>
    public int Scale { get; }

    /// <summary>Playback rate.</summary>
    public int Fps { get; }

    /// <summary>The videos written so far.</summary>
    public IReadOnlyList<string> WrittenFiles => _written;

    /// <inheritdoc />
    public override ResetResult<TObs> Reset(int? seed = null, IReadOnlyDictionary<string, object?>? options = null)
    {
        FinishRecording();
        var result = base.Reset(seed, options);
        _episodeId++;
        _recording = _episodeTrigger(_episodeId);
        CaptureFrame();
        return result;
    }

    /// <inheritdoc />
    public override StepResult<TObs> Step(TAction action)
    {
        var result = base.Step(action);
        CaptureFrame();
        if (result.Terminated || result.Truncated) FinishRecording();
        return result;
    }

    /// <inheritdoc />
    protected override void OnClose()
    {
        FinishRecording();
        base.OnClose();
    }

    void CaptureFrame()
    {
        if (!_recording) return;
        var frame = Env.Render() ?? throw new InvalidOperationException($"{Env} returned no frame from Render, so its episodes cannot be recorded.");
        _frames.Add(frame.Clone());
    }

    void FinishRecording()
    {
        if (_recording && _frames.Count > 0)
        {
            var path = Path.Combine(VideoFolder, $"{NamePrefix}-episode-{_episodeId}.{Format}");
            VideoWriter.Write(path, _frames, Fps, Scale);
            _written.Add(path);
        }
        _frames.Clear();
        _recording = false;
    }
}
