namespace PanGym.Bench;

/// <summary>The decoder g's time for one frame with <paramref name="Steps"/> solver steps.</summary>
/// <param name="Steps">K, solver steps.</param>
/// <param name="Seconds">The fastest run.</param>
public sealed record DecodeTiming(int Steps, double Seconds);
