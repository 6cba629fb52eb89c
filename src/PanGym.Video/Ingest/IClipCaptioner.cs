using System.Text.Json.Nodes;

namespace PanGym.Data.Video;

/// <summary>
/// Writes the action text a_t of every step of a clip: what happens between frame t and frame t + 1 (PAN §6 re-captions
/// clips densely, dynamics first, so that the action explains the change). Implementations: <see cref="LogCaptioner"/>
/// (actions logged when the video came from an environment), <see cref="MotionCaptioner"/> (camera and object motion
/// measured from the frames), <see cref="EndpointCaptioner"/> (a vision-language model behind an OpenAI-compatible
/// endpoint). Captioners are called from several files' workers at once and must be thread-safe.
/// </summary>
public interface IClipCaptioner
{
    /// <summary>A short name for reports and provenance, for example <c>"motion"</c>.</summary>
    string Name { get; }

    /// <summary>The captioner's settings as JSON for the data set's metadata (never secrets such as API keys).</summary>
    JsonObject Describe();

    /// <summary>Called once per video before its frames are decoded, to fail early when the video cannot be captioned (a missing action log).</summary>
    /// <exception cref="VideoIngestException">The video cannot be captioned.</exception>
    ValueTask PrepareAsync(VideoSource source, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>One non-empty action text per step of <paramref name="clip"/> (<see cref="VideoClip.Steps"/> of them).</summary>
    /// <exception cref="MalformedCaptionReplyException">This clip could not be captioned; the ingest drops it and goes on.</exception>
    /// <exception cref="IOException">The captioner cannot work (an unreachable endpoint, an unreadable log): the video fails.</exception>
    Task<IReadOnlyList<string>> CaptionAsync(VideoClip clip, CancellationToken cancellationToken);
}
