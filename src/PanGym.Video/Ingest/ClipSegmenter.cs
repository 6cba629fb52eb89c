namespace PanGym.Data.Video;

/// <summary>
/// Cuts a stream of frames into clips of a fixed number of steps inside each shot: clip k of a shot holds its frames
/// k·T … k·T + T, so consecutive clips share their boundary frame and every transition inside a shot is used once. A
/// cut ends the current clip early; what is left of a shot (at least one step) comes out as a shorter clip, which the
/// ingest drops as too short. Holds at most T + 1 frames.
/// </summary>
internal sealed class ClipSegmenter(VideoSource source, VideoIngestConfig config)
{
    readonly List<VideoFrame> _frames = [];
    int _shot = -1;

    /// <summary>Takes the next frame (<paramref name="cut"/>: it starts a new shot) and returns the clips it completes.</summary>
    public List<VideoClip> Push(VideoFrame frame, bool cut)
    {
        var clips = new List<VideoClip>();
        if (_shot < 0) _shot = 0;
        else if (cut)
        {
            if (_frames.Count >= 2) clips.Add(Clip());
            _frames.Clear();
            _shot++;
        }
        _frames.Add(frame);
        if (_frames.Count == config.ClipSteps + 1)
        {
            clips.Add(Clip());
            var last = _frames[^1];
            _frames.Clear();
            _frames.Add(last);
        }
        return clips;
    }

    /// <summary>The unfinished clip at the end of the video, when it has at least one step.</summary>
    public List<VideoClip> Finish()
    {
        var clips = _frames.Count >= 2 ? new List<VideoClip> { Clip() } : [];
        _frames.Clear();
        return clips;
    }

    VideoClip Clip() => new(source, _shot, [.. _frames], config.Fps);
}
