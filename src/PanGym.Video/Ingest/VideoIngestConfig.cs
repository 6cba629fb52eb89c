using System.Globalization;
using System.Text.Json.Nodes;

namespace PanGym.Data.Video;

/// <summary>
/// How <see cref="VideoIngestor"/> turns video files into an episode data set (PAN §6): the frame rate and size of the
/// decoded frames, the clip length, the shot-cut detector's sensitivity and the clip filters' thresholds. Validated
/// once here; every score a threshold applies to lies in [0, 1] (see <see cref="ClipScores"/>).
/// </summary>
/// <remarks>
/// Frames are decoded at <see cref="AnalysisSize"/> (at least 64 pixels, so that motion a few pixels wide in the data
/// set is still measurable), analysed there, and area-averaged down to <see cref="FrameSize"/> for the data set.
/// </remarks>
public sealed record VideoIngestConfig
{
    /// <summary>The smallest size frames are analysed at (motion estimation needs some resolution).</summary>
    public const int MinimumAnalysisSize = 64;

    /// <summary>
    /// The default caption limit, 32 UTF-8 bytes: the <c>tiny</c> and <c>small</c> world models read actions with a
    /// byte-level tokenizer and at most 32 action tokens.
    /// </summary>
    public const int DefaultMaxCaptionBytes = 32;

    /// <summary>A configuration; see each property for what its argument means.</summary>
    /// <exception cref="ArgumentException">An argument is out of range; the message names it.</exception>
    public VideoIngestConfig(
        int frameSize = 32,
        double fps = 8,
        int clipSteps = 8,
        int? analysisSize = null,
        VideoFraming framing = VideoFraming.CenterCrop,
        double cutThreshold = 0.3,
        double cutMatchError = 0.45,
        double cutSensitivity = 5,
        int cutWindow = 24,
        double minBrightness = 0.1,
        double minContrast = 0.04,
        double minMotion = 0.004,
        double maxMotion = 0.25,
        int duplicateDistance = 4,
        double validationFraction = 0.1,
        int? maxCaptionBytes = DefaultMaxCaptionBytes)
    {
        Require(frameSize is >= 8 and <= 1024, nameof(frameSize), $"must be in [8, 1024] pixels, got {frameSize}");
        Require(double.IsFinite(fps) && fps > 0 && fps <= 240, nameof(fps), $"must be in (0, 240] frames per second, got {fps}");
        Require(clipSteps is >= 1 and <= 10_000, nameof(clipSteps), $"must be in [1, 10000] steps, got {clipSteps}");
        int analysis = analysisSize ?? frameSize * (int)Math.Ceiling(MinimumAnalysisSize / (double)frameSize);
        Require(analysis >= frameSize && analysis % frameSize == 0 && analysis <= 2048, nameof(analysisSize),
            $"must be a multiple of the frame size {frameSize}, at most 2048, got {analysis}");
        Require(Enum.IsDefined(framing), nameof(framing), $"unknown framing {framing}");
        Require(cutThreshold is > 0 and <= 1, nameof(cutThreshold), $"must be in (0, 1], got {cutThreshold}");
        Require(double.IsFinite(cutMatchError) && cutMatchError > 0, nameof(cutMatchError), $"must be positive, got {cutMatchError}");
        Require(double.IsFinite(cutSensitivity) && cutSensitivity > 0, nameof(cutSensitivity), $"must be a positive number of deviations, got {cutSensitivity}");
        Require(cutWindow >= 2, nameof(cutWindow), $"must be at least 2 frames, got {cutWindow}");
        Require(minBrightness is >= 0 and < 1, nameof(minBrightness), $"must be in [0, 1), got {minBrightness}");
        Require(minContrast is >= 0 and < 1, nameof(minContrast), $"must be in [0, 1), got {minContrast}");
        Require(minMotion is >= 0 and < 1, nameof(minMotion), $"must be in [0, 1), got {minMotion}");
        Require(maxMotion > minMotion && maxMotion <= 1, nameof(maxMotion), $"must be in (minMotion = {minMotion}, 1], got {maxMotion}");
        Require(duplicateDistance is >= -1 and <= 64, nameof(duplicateDistance), $"must be −1 (off) or a bit count in [0, 64], got {duplicateDistance}");
        Require(validationFraction is >= 0 and < 1, nameof(validationFraction), $"must be in [0, 1), got {validationFraction}");
        Require(maxCaptionBytes is null or >= 8, nameof(maxCaptionBytes), $"must be null (no limit) or at least 8 bytes, got {maxCaptionBytes}");
        (FrameSize, Fps, ClipSteps, AnalysisSize, Framing) = (frameSize, fps, clipSteps, analysis, framing);
        (CutThreshold, CutMatchError, CutSensitivity, CutWindow) = (cutThreshold, cutMatchError, cutSensitivity, cutWindow);
        (MinBrightness, MinContrast, MinMotion, MaxMotion, DuplicateDistance) = (minBrightness, minContrast, minMotion, maxMotion, duplicateDistance);
        (ValidationFraction, MaxCaptionBytes) = (validationFraction, maxCaptionBytes);
    }

    /// <summary>
    /// 32×32 frames (the size of the <c>tiny</c> and <c>small</c> world models) at 8 frames per second, analysed at
    /// 64×64, clips of 8 steps, the standard filters.
    /// </summary>
    public static VideoIngestConfig Default { get; } = new();

    /// <summary>256×256 frames (the size of the paper-shaped <c>pan</c> world model) at 8 frames per second, clips of 8 steps, captions of any length.</summary>
    public static VideoIngestConfig Pan { get; } = new(frameSize: 256, maxCaptionBytes: null);

    /// <summary>
    /// The default sizes with the content filters off (only clips too short are dropped): for videos recorded from an
    /// environment, whose "wait" steps are legitimately static and whose plain backgrounds are legitimately flat.
    /// </summary>
    public static VideoIngestConfig Unfiltered { get; } = new(minBrightness: 0, minContrast: 0, minMotion: 0, maxMotion: 1, duplicateDistance: -1);

    /// <summary>Side of the square frames in the data set, in pixels.</summary>
    public int FrameSize { get; }

    /// <summary>Frames per second sampled from the video; one step of the data set is 1/<see cref="Fps"/> seconds.</summary>
    public double Fps { get; }

    /// <summary>Steps per clip (T): each kept clip becomes an episode of T actions and T + 1 frames.</summary>
    public int ClipSteps { get; }

    /// <summary>Side of the square frames that cuts, filters and motion are computed on: a multiple of <see cref="FrameSize"/>, by default the smallest one ≥ 64.</summary>
    public int AnalysisSize { get; }

    /// <summary>How the picture is made square.</summary>
    public VideoFraming Framing { get; }

    /// <summary>A frame whose colour-histogram distance to the previous frame is above this (and far above the shot's recent ones) starts a new shot (distance in [0, 1]).</summary>
    public double CutThreshold { get; }

    /// <summary>
    /// A frame whose blocks the previous frame cannot explain by motion (their median best-match error, relative to the
    /// blocks' own contrast, is above this; see <see cref="MotionEstimator.MatchError"/>) starts a new shot when its
    /// colours changed more than usual too: this finds cuts between shots of similar colours, which the histogram misses.
    /// </summary>
    public double CutMatchError { get; }

    /// <summary>Adaptive part of the cut thresholds: a cut must also exceed the shot's recent mean by this many standard deviations.</summary>
    public double CutSensitivity { get; }

    /// <summary>Recent frames of the shot the adaptive threshold's mean and deviation are taken over.</summary>
    public int CutWindow { get; }

    /// <summary>Clips darker than this mean luma are dropped as too dark.</summary>
    public double MinBrightness { get; }

    /// <summary>Clips whose frames' luma deviation is below this are dropped as flat (nearly uniform).</summary>
    public double MinContrast { get; }

    /// <summary>Clips whose motion energy is below this are dropped as static.</summary>
    public double MinMotion { get; }

    /// <summary>Clips whose motion energy is above this are dropped as too fast: at this frame rate the change is a jump (or a cut the detector missed), not a dynamics a world model can learn.</summary>
    public double MaxMotion { get; }

    /// <summary>Most differing perceptual-hash bits (of 64) between a clip and an earlier kept one for it to be a near-duplicate; −1 turns the check off.</summary>
    public int DuplicateDistance { get; }

    /// <summary>Share of each video's clips held out for validation, spread evenly along the video.</summary>
    public double ValidationFraction { get; }

    /// <summary>
    /// Longest caption kept, in UTF-8 bytes (null: any length). A clip with a longer caption is dropped as
    /// <see cref="ClipRejectionReason.CaptionTooLong"/>; <see cref="MotionCaptioner"/> and <see cref="EndpointCaptioner"/>
    /// can be told the limit so that their captions fit.
    /// </summary>
    public int? MaxCaptionBytes { get; }

    /// <summary>How many analysis pixels one data-set pixel averages, per side.</summary>
    public int AnalysisScale => AnalysisSize / FrameSize;

    /// <summary>The settings as JSON, for the data set's metadata (a resumed ingest must use the same ones).</summary>
    public JsonObject ToJson() => new()
    {
        ["frame_size"] = FrameSize,
        ["fps"] = Fps,
        ["clip_steps"] = ClipSteps,
        ["analysis_size"] = AnalysisSize,
        ["framing"] = Framing == VideoFraming.CenterCrop ? "center-crop" : "stretch",
        ["cut_threshold"] = CutThreshold,
        ["cut_match_error"] = CutMatchError,
        ["cut_sensitivity"] = CutSensitivity,
        ["cut_window"] = CutWindow,
        ["min_brightness"] = MinBrightness,
        ["min_contrast"] = MinContrast,
        ["min_motion"] = MinMotion,
        ["max_motion"] = MaxMotion,
        ["duplicate_distance"] = DuplicateDistance,
        ["validation_fraction"] = ValidationFraction,
        ["max_caption_bytes"] = MaxCaptionBytes,
    };

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{FrameSize}×{FrameSize} frames at {Fps:0.##} fps, clips of {ClipSteps} steps (analysed at {AnalysisSize}×{AnalysisSize})");

    static void Require(bool condition, string name, string problem)
    {
        if (!condition) throw new ArgumentException($"Video ingest setting {name} {problem}.", name);
    }
}
