namespace PanGym.Data.Video;

/// <summary>
/// The dominant dynamics between two frames, as <see cref="MotionEstimator"/> measures them: the motion of the scene as
/// a whole (a translation and a zoom, which a camera pan, tilt or zoom produces) and, where part of the picture moves
/// against that, the motion of an object. Distances are in pixels of the analysed frames (side <see cref="Size"/>);
/// positive x is right, positive y is down; motions are of the picture content (a camera panning right makes the
/// content move left).
/// </summary>
/// <param name="Size">Side of the analysed frames in pixels.</param>
/// <param name="Dx">Horizontal motion of the scene's content per step.</param>
/// <param name="Dy">Vertical motion of the scene's content per step.</param>
/// <param name="Zoom">Relative growth of the content per step (0.05: everything 5% larger, a zoom in; negative: a zoom out).</param>
/// <param name="Support">Share of the textured blocks that follow the scene's motion, in [0, 1] (low when motion is unclear).</param>
/// <param name="TexturedBlocks">Blocks with enough texture to be matched; motion is unclear with few.</param>
/// <param name="ObjectDx">Horizontal motion of a moving object relative to the scene, or 0.</param>
/// <param name="ObjectDy">Vertical motion of a moving object relative to the scene, or 0.</param>
/// <param name="ObjectShare">Share of the textured blocks the object covers (0: no moving object).</param>
/// <param name="ObjectX">The object's centre, 0 (left) … 1 (right).</param>
/// <param name="ObjectY">The object's centre, 0 (top) … 1 (bottom).</param>
/// <param name="Change">Mean absolute luma change between the two frames, in [0, 1].</param>
public sealed record MotionEstimate(
    int Size, double Dx, double Dy, double Zoom, double Support, int TexturedBlocks,
    double ObjectDx, double ObjectDy, double ObjectShare, double ObjectX, double ObjectY, double Change)
{
    /// <summary>Whether a moving object was found.</summary>
    public bool HasObject => ObjectShare > 0;

    /// <summary>The scene's translation per step as a share of the frame side.</summary>
    public double RelativeShift => Math.Sqrt(Dx * Dx + Dy * Dy) / Size;

    /// <summary>The object's motion per step as a share of the frame side.</summary>
    public double RelativeObjectShift => Math.Sqrt(ObjectDx * ObjectDx + ObjectDy * ObjectDy) / Size;
}
