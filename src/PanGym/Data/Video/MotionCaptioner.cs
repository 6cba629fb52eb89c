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
/// sliding up means it tilts down. Adverbs: "slowly" below 1.5% of the frame per step, "quickly" above 6%.
/// </remarks>
public sealed class MotionCaptioner : IClipCaptioner
{
    const double MinShift = 0.006;
    const double MinZoom = 0.01;
    const double MinObjectShift = 0.015;
    const double StillChange = 0.02;

    /// <inheritdoc />
    public string Name => "motion";

    /// <inheritdoc />
    public JsonObject Describe() => new() { ["captioner"] = Name, ["estimator"] = "block matching + phase correlation", ["working_size"] = MotionEstimator.WorkingSize };

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> CaptionAsync(VideoClip clip, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clip);
        var planes = clip.Frames.Select(MotionEstimator.WorkingPlane).ToList();
        var captions = new string[clip.Steps];
        for (int t = 0; t < clip.Steps; t++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            captions[t] = Describe(MotionEstimator.Estimate(planes[t].Luma, planes[t + 1].Luma, planes[t].Size));
        }
        return Task.FromResult<IReadOnlyList<string>>(captions);
    }

    /// <summary>The caption of one measured step.</summary>
    public static string Describe(MotionEstimate motion)
    {
        ArgumentNullException.ThrowIfNull(motion);
        string? camera = null;
        if (Math.Abs(motion.Zoom) >= MinZoom)
            camera = $"the scene zooms {(motion.Zoom > 0 ? "in" : "out")}{Adverb(Math.Abs(motion.Zoom), 0.02, 0.08)}";
        else if (motion.RelativeShift >= MinShift)
            camera = $"the camera {CameraDirection(motion.Dx, motion.Dy)}{Adverb(motion.RelativeShift, 0.015, 0.06)}";
        string? thing = null;
        if (motion.HasObject && motion.RelativeObjectShift >= MinObjectShift)
            thing = $"an object {Place(motion.ObjectX, motion.ObjectY)} moves {Direction(motion.ObjectDx, motion.ObjectDy)}{Adverb(motion.RelativeObjectShift, 0.015, 0.06)}";
        return (camera, thing) switch
        {
            (not null, not null) => $"{camera} while {thing}",
            (not null, null) => camera,
            (null, not null) => thing,
            _ => motion.Change < StillChange ? "the scene stays still" : "the scene changes",
        };
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
