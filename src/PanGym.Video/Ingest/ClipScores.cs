using System.Globalization;
using System.Text.Json.Nodes;

namespace PanGym.Data.Video;

/// <summary>
/// What the clip filters measure on a clip's frames (at analysis size), each in [0, 1] except the hashes.
/// </summary>
/// <param name="Brightness">Mean Rec. 601 luma over all frames: below <see cref="VideoIngestConfig.MinBrightness"/> the clip is too dark.</param>
/// <param name="Contrast">Mean over frames of the luma's standard deviation: below <see cref="VideoIngestConfig.MinContrast"/> the clip is flat.</param>
/// <param name="Motion">
/// Motion energy: the mean absolute luma change between consecutive frames, on frames blurred to 16×16 so that sensor
/// noise and compression flicker average out while real motion does not. Below <see cref="VideoIngestConfig.MinMotion"/>
/// the clip is static; above <see cref="VideoIngestConfig.MaxMotion"/> it is too fast.
/// </param>
/// <param name="Hashes">Perceptual hashes (<see cref="PerceptualHash"/>) of the first, middle and last frames, for near-duplicate detection.</param>
public sealed record ClipScores(double Brightness, double Contrast, double Motion, IReadOnlyList<ulong> Hashes)
{
    /// <summary>Side of the blurred frames motion energy is measured on.</summary>
    public const int MotionResolution = 16;

    /// <summary>Measures <paramref name="frames"/> (at least one, all square of one size).</summary>
    /// <exception cref="ArgumentException">No frames, or frames of different sizes.</exception>
    public static ClipScores Measure(IReadOnlyList<VideoFrame> frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        if (frames.Count == 0) throw new ArgumentException("A clip needs at least one frame to be measured.", nameof(frames));
        int size = frames[0].Size;
        if (frames.Any(f => f.Size != size)) throw new ArgumentException("A clip's frames must all have one size.", nameof(frames));
        double brightness = 0, contrast = 0, motion = 0;
        int blur = Math.Max(1, size / MotionResolution);
        float[]? previous = null;
        foreach (var frame in frames)
        {
            var (mean, std) = FrameMath.MeanStd(frame.Luma);
            brightness += mean;
            contrast += std;
            var blurred = FrameMath.Downsample(frame.Luma, size, blur);
            if (previous is not null) motion += FrameMath.MeanAbsoluteDifference(previous, blurred);
            previous = blurred;
        }
        int steps = frames.Count - 1;
        ulong[] hashes = size >= 32
            ? [PerceptualHash.Of(frames[0].Luma, size), PerceptualHash.Of(frames[steps / 2].Luma, size), PerceptualHash.Of(frames[^1].Luma, size)]
            : [];
        return new ClipScores(brightness / frames.Count, contrast / frames.Count, steps == 0 ? 0 : motion / steps, hashes);
    }

    /// <summary>Whether every hash of this clip lies within <paramref name="maxDistance"/> bits of <paramref name="other"/>'s.</summary>
    public bool IsNearDuplicateOf(ClipScores other, int maxDistance)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Hashes.Count > 0 && Hashes.Count == other.Hashes.Count
            && Hashes.Zip(other.Hashes).All(pair => PerceptualHash.Distance(pair.First, pair.Second) <= maxDistance);
    }

    /// <summary>The scores as JSON (hashes as 16 hex digits each), for provenance and reports.</summary>
    public JsonObject ToJson() => new()
    {
        ["brightness"] = Math.Round(Brightness, 4),
        ["contrast"] = Math.Round(Contrast, 4),
        ["motion"] = Math.Round(Motion, 4),
        ["phash"] = new JsonArray([.. Hashes.Select(h => JsonValue.Create(h.ToString("x16", CultureInfo.InvariantCulture)))]),
    };

    /// <summary>Reads the hashes back from <see cref="ToJson"/>'s output (empty when absent or malformed).</summary>
    public static IReadOnlyList<ulong> HashesFromJson(JsonNode? scores)
    {
        if (scores?["phash"] is not JsonArray array) return [];
        var hashes = new List<ulong>();
        foreach (var item in array)
            if (item is JsonValue value && value.TryGetValue(out string? text)
                && ulong.TryParse(text, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong hash)) hashes.Add(hash);
            else return [];
        return hashes;
    }
}
