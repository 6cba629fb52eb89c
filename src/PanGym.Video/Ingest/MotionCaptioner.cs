using System.Text;
using System.Text.Json.Nodes;

namespace PanGym.Data.Video;

/// <summary>
/// Captions each step from the motion measured between its two frames (<see cref="MotionEstimator"/>): camera pans,
/// tilts and zooms, an object's direction and place, and how fast — "the camera pans left", "an object in the top
/// left moves up and right quickly", "the scene zooms in slowly", "the scene stays still". No model, no network:
/// a deterministic, dynamics-only captioner for any video.
/// </summary>
/// <remarks>
/// A pan is named after the camera, opposite to the content: content sliding left means the camera pans right; content
/// sliding up means it tilts down. Adverbs: "slowly" below 1.5% of the frame per step, "quickly" above 6%. With a byte
/// limit (the <c>tiny</c> and <c>small</c> world models read at most 32 bytes of action), a caption that is too long
/// loses its adverbs, then the object's place, then keeps only its main part (the camera's motion, else the object's),
/// and at last drops its articles ("camera pans right, tilts down").
/// </remarks>
/// <param name="maxBytes">
/// Longest caption in UTF-8 bytes, or null for no limit (at least 30: every shortest form fits). Default: 32, what the
/// <c>tiny</c> and <c>small</c> world models read.
/// </param>
public sealed class MotionCaptioner(int? maxBytes = VideoIngestConfig.DefaultMaxCaptionBytes) : IClipCaptioner
{
    const double MinShift = 0.006;
    const double MinZoom = 0.01;
    const double MinObjectShift = 0.015;
    const double StillChange = 0.02;

    /// <summary>Longest caption in UTF-8 bytes, or null.</summary>
    public int? MaxBytes { get; } = maxBytes is null or >= 30 ? maxBytes : throw new ArgumentOutOfRangeException(nameof(maxBytes), maxBytes, "A motion caption needs up to 30 bytes.");

    /// <inheritdoc />
    public string Name => "motion";

    /// <inheritdoc />
    public JsonObject Describe() => new()
    {
        ["captioner"] = Name,
        ["estimator"] = "block matching + phase correlation",
        ["working_size"] = MotionEstimator.WorkingSize,
        ["max_bytes"] = MaxBytes,
    };

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> CaptionAsync(VideoClip clip, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clip);
        var planes = clip.Frames.Select(MotionEstimator.WorkingPlane).ToList();
        var captions = new string[clip.Steps];
        for (int t = 0; t < clip.Steps; t++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            captions[t] = Describe(MotionEstimator.Estimate(planes[t].Luma, planes[t + 1].Luma, planes[t].Size), MaxBytes);
        }
        return Task.FromResult<IReadOnlyList<string>>(captions);
    }

    /// <summary>The caption of one measured step, at most <paramref name="maxBytes"/> UTF-8 bytes when given.</summary>
    public static string Describe(MotionEstimate motion, int? maxBytes = null)
    {
        ArgumentNullException.ThrowIfNull(motion);
        string? camera = null, cameraAdverb = null;
        if (Math.Abs(motion.Zoom) >= MinZoom)
            (camera, cameraAdverb) = ($"the scene zooms {(motion.Zoom > 0 ? "in" : "out")}", Adverb(Math.Abs(motion.Zoom), 0.02, 0.08));
        else if (motion.RelativeShift >= MinShift)
            (camera, cameraAdverb) = ($"the camera {CameraDirection(motion.Dx, motion.Dy)}", Adverb(motion.RelativeShift, 0.015, 0.06));
        string? thing = null, place = null, thingAdverb = null;
        if (motion.HasObject && motion.RelativeObjectShift >= MinObjectShift)
            (thing, place, thingAdverb) = ($"moves {Direction(motion.ObjectDx, motion.ObjectDy)}", Place(motion.ObjectX, motion.ObjectY), Adverb(motion.RelativeObjectShift, 0.015, 0.06));
        if (camera is null && thing is null) return motion.Change < StillChange ? "the scene stays still" : "the scene changes";

        string Compose(bool adverbs, bool places, bool both)
        {
            string? cameraPart = camera is null ? null : camera + (adverbs ? cameraAdverb : "");
            string? thingPart = thing is null ? null : $"an object{(places ? " " + place : "")} {thing}{(adverbs ? thingAdverb : "")}";
            return (cameraPart, thingPart) switch
            {
                (not null, not null) => both ? $"{cameraPart} while {thingPart}" : cameraPart,
                (not null, null) => cameraPart,
                _ => thingPart!,
            };
        }
        string shortest = Compose(false, false, false);
        var variants = new[]
        {
            Compose(true, true, true), Compose(false, true, true), Compose(false, false, true), Compose(true, true, false), shortest,
            shortest.Replace("the camera ", "camera ", StringComparison.Ordinal).Replace(" and tilts ", ", tilts ", StringComparison.Ordinal)
                .Replace("the scene ", "scene ", StringComparison.Ordinal).Replace("an object ", "object ", StringComparison.Ordinal),
        };
        return maxBytes is int limit ? variants.FirstOrDefault(v => Encoding.UTF8.GetByteCount(v) <= limit) ?? variants[^1] : variants[0];
    }

    /// <summary>The camera's motion from the content's: opposite directions.</summary>
    static string CameraDirection(double dx, double dy)
    {
        var (horizontal, vertical) = Components(dx, dy);
        var parts = new List<string>();
        if (horizontal != 0) parts.Add(horizontal < 0 ? "pans right" : "pans left");
        if (vertical != 0) parts.Add(vertical < 0 ? "tilts down" : "tilts up");
        return string.Join(" and ", parts);
    }

    static string Direction(double dx, double dy)
    {
        var (horizontal, vertical) = Components(dx, dy);
        var parts = new List<string>();
        if (vertical != 0) parts.Add(vertical < 0 ? "up" : "down");
        if (horizontal != 0) parts.Add(horizontal < 0 ? "left" : "right");
        return string.Join(" and ", parts);
    }

    /// <summary>The signs of the components that matter: a component under 40% of the larger one is dropped.</summary>
    static (int Horizontal, int Vertical) Components(double dx, double dy)
    {
        double larger = Math.Max(Math.Abs(dx), Math.Abs(dy));
        return (Math.Abs(dx) >= 0.4 * larger ? Math.Sign(dx) : 0, Math.Abs(dy) >= 0.4 * larger ? Math.Sign(dy) : 0);
    }

    static string Place(double x, double y)
    {
        string row = y < 1 / 3.0 ? "top" : y > 2 / 3.0 ? "bottom" : "";
        string column = x < 1 / 3.0 ? "left" : x > 2 / 3.0 ? "right" : "";
        return (row, column) switch
        {
            ("", "") => "in the centre",
            ("", _) => $"on the {column}",
            (_, "") => $"at the {row}",
            _ => $"in the {row} {column}",
        };
    }

    static string Adverb(double amount, double slow, double fast) => amount < slow ? " slowly" : amount > fast ? " quickly" : "";
}
