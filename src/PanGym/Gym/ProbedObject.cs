namespace PanGym.Gym;

/// <summary>One object found by an <see cref="IStateProbe"/> in a frame.</summary>
/// <param name="Name">The object's name, as the environment names it (for example <c>red circle</c>).</param>
/// <param name="X">Horizontal position in the environment's state coordinates (what its <c>info["state"]</c> reports), in pixels.</param>
/// <param name="Y">Vertical position in the same coordinates (pixels, downwards).</param>
/// <param name="Area">Number of pixels classified as this object.</param>
public sealed record ProbedObject(string Name, double X, double Y, int Area);
