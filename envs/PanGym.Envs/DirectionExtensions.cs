namespace PanGym.Envs;

/// <summary>Unit vectors and names for <see cref="Direction"/>.</summary>
public static class DirectionExtensions
{
    /// <summary>The unit step in image coordinates (x right, y down); (0, 0) for <see cref="Direction.None"/>.</summary>
    public static (int Dx, int Dy) ToVector(this Direction direction) => direction switch
    {
        Direction.None => (0, 0),
        Direction.Left => (-1, 0),
        Direction.Right => (1, 0),
        Direction.Up => (0, -1),
        Direction.Down => (0, 1),
        _ => throw new ArgumentOutOfRangeException(nameof(direction), direction, "Not a direction."),
    };

    /// <summary>The lower-case word used in canonical action text ("left", "right", "up", "down"; "none").</summary>
    public static string ToWord(this Direction direction) => direction.ToString().ToLowerInvariant();
}
