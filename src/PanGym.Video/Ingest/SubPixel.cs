namespace PanGym.Data.Video;

/// <summary>Sub-pixel refinement of a sampled extremum, shared by phase correlation and block matching.</summary>
internal static class SubPixel
{
    /// <summary>The offset in [−0.5, 0.5] of a parabola's extremum through three equally spaced samples around the middle one.</summary>
    public static double Parabola(double left, double middle, double right)
    {
        double denominator = left - 2 * middle + right;
        return Math.Abs(denominator) < 1e-12 ? 0 : Math.Clamp((left - right) / (2 * denominator), -0.5, 0.5);
    }
}
