using Rgb = (byte R, byte G, byte B);

namespace PanGym.Envs;

/// <summary>
/// Every colour the ground-truth environments draw. Object colours are saturated and far apart, so that the state
/// probes can classify pixels by their nearest palette colour even in noisy predicted frames. A new environment can draw
/// with these colours, or with its own passed to <see cref="PaletteCentroids"/>.
/// </summary>
public static class Palette
{
    /// <summary>The dark background.</summary>
    public static readonly Rgb Background = (16, 16, 24);

    /// <summary>The goal region, a dim grey drawn under the objects.</summary>
    public static readonly Rgb Goal = (64, 64, 64);

    /// <summary>ShapesWorld's circle.</summary>
    public static readonly Rgb Red = (230, 40, 40);

    /// <summary>ShapesWorld's square.</summary>
    public static readonly Rgb Blue = (40, 90, 240);

    /// <summary>ShapesWorld's triangle.</summary>
    public static readonly Rgb Green = (40, 210, 70);

    /// <summary>MomentumWorld's ball.</summary>
    public static readonly Rgb Orange = (255, 160, 20);

    /// <summary>All colours, for nearest-colour classification.</summary>
    public static readonly IReadOnlyList<Rgb> All = [Background, Goal, Red, Blue, Green, Orange];
}
