namespace PanGym.Data.Video;

/// <summary>A similarity motion: v(p) = t + s·p + r·perp(p), p relative to the frame centre (a translation when s = r = 0).</summary>
/// <param name="Tx">The horizontal translation.</param>
/// <param name="Ty">The vertical translation.</param>
/// <param name="Scale">The relative growth per pixel from the centre (a zoom).</param>
/// <param name="Rotation">The rotation per pixel from the centre.</param>
internal readonly record struct MotionModel(double Tx, double Ty, double Scale, double Rotation)
{
    /// <summary>A pure translation.</summary>
    public static MotionModel Translation(double x, double y) => new(x, y, 0, 0);

    /// <summary>The motion the model predicts at (<paramref name="x"/>, <paramref name="y"/>), relative to the frame centre.</summary>
    public (double X, double Y) Predict(double x, double y) => (Tx + Scale * x - Rotation * y, Ty + Scale * y + Rotation * x);
}
