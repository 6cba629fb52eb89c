namespace PanGym.Envs;

/// <summary>The shapes of ShapesWorld; each has its own colour, so an episode holds at most one of each.</summary>
public enum ShapeKind
{
    /// <summary>The red circle.</summary>
    Circle,

    /// <summary>The blue square.</summary>
    Square,

    /// <summary>The green triangle (apex up).</summary>
    Triangle,
}
