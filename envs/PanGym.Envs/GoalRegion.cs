namespace PanGym.Envs;

/// <summary>The target region of an episode: an axis-aligned square of <see cref="Size"/> pixels with top-left corner (<see cref="X"/>, <see cref="Y"/>).</summary>
/// <param name="X">Left edge, in pixels.</param>
/// <param name="Y">Top edge, in pixels.</param>
/// <param name="Size">Side length, in pixels.</param>
public sealed record GoalRegion(int X, int Y, int Size)
{
    /// <summary>Whether the point lies inside the region (half-open: left and top edges in, right and bottom out).</summary>
    public bool Contains(double x, double y) => x >= X && x < X + Size && y >= Y && y < Y + Size;
}
