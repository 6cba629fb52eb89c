using System.Text.Json.Nodes;

namespace PanGym.Data;

/// <summary>
/// What a data set says about itself in <c>dataset.json</c>, apart from its counts: the frame size every episode shares,
/// where the episodes came from, and free-form metadata (the generator's settings, an ingest's options).
/// </summary>
public sealed record EpisodeDatasetInfo
{
    /// <summary>Describes a data set of <paramref name="frameHeight"/> × <paramref name="frameWidth"/> RGB frames.</summary>
    /// <param name="frameHeight">Rows of every frame.</param>
    /// <param name="frameWidth">Columns of every frame.</param>
    /// <param name="source">Where the episodes came from, for example <c>"env:ShapesWorld-v0"</c> or <c>"video"</c>.</param>
    /// <param name="metadata">Free-form JSON; copied, so later changes to the argument do not leak in. Default: empty.</param>
    public EpisodeDatasetInfo(int frameHeight, int frameWidth, string source, JsonObject? metadata = null)
    {
        if (frameHeight <= 0 || frameWidth <= 0)
            throw new ArgumentException($"The frame size must be positive, got {frameHeight}×{frameWidth} (H×W).");
        ArgumentNullException.ThrowIfNull(source);
        (FrameHeight, FrameWidth, Source) = (frameHeight, frameWidth, source);
        Metadata = metadata is null ? new JsonObject() : metadata.DeepClone().AsObject();
    }

    /// <summary>Rows of every frame.</summary>
    public int FrameHeight { get; }

    /// <summary>Columns of every frame.</summary>
    public int FrameWidth { get; }

    /// <summary>Where the episodes came from.</summary>
    public string Source { get; }

    /// <summary>Free-form metadata (treat as read-only).</summary>
    public JsonObject Metadata { get; }

    /// <summary>Whether <paramref name="other"/> describes the same data set (metadata compared as JSON values).</summary>
    public bool Equals(EpisodeDatasetInfo? other) =>
        other is not null && FrameHeight == other.FrameHeight && FrameWidth == other.FrameWidth && Source == other.Source
        && JsonNode.DeepEquals(Metadata, other.Metadata);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(FrameHeight, FrameWidth, Source);
}
