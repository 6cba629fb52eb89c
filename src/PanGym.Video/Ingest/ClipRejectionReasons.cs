namespace PanGym.Data.Video;

/// <summary>The snake-case names of <see cref="ClipRejectionReason"/> used in reports and provenance.</summary>
public static class ClipRejectionReasons
{
    static readonly Dictionary<ClipRejectionReason, string> _names = new()
    {
        [ClipRejectionReason.TooShort] = "too_short",
        [ClipRejectionReason.TooDark] = "too_dark",
        [ClipRejectionReason.TooFlat] = "too_flat",
        [ClipRejectionReason.Static] = "static",
        [ClipRejectionReason.TooFast] = "too_fast",
        [ClipRejectionReason.NearDuplicate] = "near_duplicate",
        [ClipRejectionReason.CaptionFailed] = "caption_failed",
        [ClipRejectionReason.CaptionTooLong] = "caption_too_long",
    };

    /// <summary>The reason's name, for example <c>"too_dark"</c>.</summary>
    public static string Name(ClipRejectionReason reason) =>
        _names.TryGetValue(reason, out var name) ? name : throw new ArgumentOutOfRangeException(nameof(reason), reason, "Unknown rejection reason.");

    /// <summary>The reason named <paramref name="name"/>.</summary>
    /// <exception cref="FormatException">No reason has that name.</exception>
    public static ClipRejectionReason Parse(string name) =>
        _names.FirstOrDefault(pair => pair.Value == name) is { Value: not null } found
            ? found.Key
            : throw new FormatException($"Unknown clip rejection reason \"{name}\"; expected one of {string.Join(", ", _names.Values)}.");

    /// <summary>
    /// The first content filter <paramref name="scores"/> fails under <paramref name="config"/>, or null when the clip
    /// passes them all (near-duplicates are judged against the other clips, elsewhere). Checked in the order dark,
    /// flat, static, too fast, so that a dark, still shot is reported as dark.
    /// </summary>
    public static ClipRejectionReason? Check(ClipScores scores, VideoIngestConfig config)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(config);
        if (scores.Brightness < config.MinBrightness) return ClipRejectionReason.TooDark;
        if (scores.Contrast < config.MinContrast) return ClipRejectionReason.TooFlat;
        if (scores.Motion < config.MinMotion) return ClipRejectionReason.Static;
        if (scores.Motion > config.MaxMotion) return ClipRejectionReason.TooFast;
        return null;
    }
}
