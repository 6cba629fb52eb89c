namespace PanGym.Data.Video;

/// <summary>Why a clip of a video was left out of the data set (PAN §6 filters clips by such heuristics). Reports name them in snake case.</summary>
public enum ClipRejectionReason
{
    /// <summary><c>too_short</c>: the shot ended before a whole clip (a short shot, or the tail of a longer one).</summary>
    TooShort,

    /// <summary><c>too_dark</c>: mean luma below <see cref="VideoIngestConfig.MinBrightness"/>.</summary>
    TooDark,

    /// <summary><c>too_flat</c>: luma deviation below <see cref="VideoIngestConfig.MinContrast"/> (a blank or washed-out picture).</summary>
    TooFlat,

    /// <summary><c>static</c>: motion energy below <see cref="VideoIngestConfig.MinMotion"/>: nothing happens, there are no dynamics to learn.</summary>
    Static,

    /// <summary><c>too_fast</c>: motion energy above <see cref="VideoIngestConfig.MaxMotion"/>: the picture jumps from frame to frame (or a cut was missed).</summary>
    TooFast,

    /// <summary><c>near_duplicate</c>: its frames' perceptual hashes lie within <see cref="VideoIngestConfig.DuplicateDistance"/> bits of an earlier kept clip's.</summary>
    NearDuplicate,

    /// <summary><c>caption_failed</c>: the captioner could not caption it (for example a vision-language endpoint's malformed reply).</summary>
    CaptionFailed,

    /// <summary><c>caption_too_long</c>: a caption is longer than <see cref="VideoIngestConfig.MaxCaptionBytes"/> (the world model could not read it).</summary>
    CaptionTooLong,
}
