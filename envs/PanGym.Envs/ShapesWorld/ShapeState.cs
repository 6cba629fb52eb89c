namespace PanGym.Envs;

/// <summary>
/// A shape's true state: its kind and the top-left pixel (<see cref="X"/>, <see cref="Y"/>) of the
/// <see cref="ShapesWorldConfig.ShapeSize"/>-pixel square box it is drawn in. Its centre is (X + size/2, Y + size/2).
/// </summary>
/// <param name="Kind">Which shape (and so which colour).</param>
/// <param name="X">Left edge of the box, in pixels.</param>
/// <param name="Y">Top edge of the box, in pixels.</param>
public sealed record ShapeState(ShapeKind Kind, int X, int Y)
{
    /// <inheritdoc />
    public override string ToString() => $"{Kind.DisplayName()} at ({X}, {Y})";
}
