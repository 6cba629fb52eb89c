using PanGym.Gym;
using Rgb = (byte R, byte G, byte B);

namespace PanGym.Envs;

/// <summary>
/// The measuring half of the state probes, a probe from colours: classifies each pixel by its nearest palette colour
/// (kept only within <see cref="Tolerance"/>, Euclidean in RGB) and returns, per object colour, the centroid of the pixel
/// centres and the pixel count. A new environment whose objects have distinct flat colours builds its
/// <see cref="IStateProbe"/> on it: measure, then name each object and shift its centroid into the state's coordinates.
/// </summary>
public sealed class PaletteCentroids
{
    /// <summary>A tolerance far above mild noise (±10 per channel is at most 17.3 away) and far below the gaps between palette colours.</summary>
    public const double DefaultTolerance = 48;

    readonly int _size;
    readonly Rgb[] _objectColours;
    readonly Rgb[] _palette;
    readonly string _probeName;

    /// <summary>Measures <paramref name="size"/>-square frames for the given object colours.</summary>
    /// <param name="size">Side of the frames, in pixels; other sizes are refused.</param>
    /// <param name="objectColours">The colours to measure, one per object, in the order <see cref="Measure"/> returns them.</param>
    /// <param name="tolerance">Largest RGB distance at which a pixel still counts as its nearest palette colour.</param>
    /// <param name="probeName">The probe's name, for error messages.</param>
    /// <param name="palette">Every colour the frames are drawn in (background and goal included), which pixels are classified
    /// against; default <see cref="Palette.All"/>. The object colours are added when missing.</param>
    /// <exception cref="ArgumentException">No object colour, a non-positive size or tolerance.</exception>
    public PaletteCentroids(int size, IReadOnlyList<Rgb> objectColours, double tolerance = DefaultTolerance, string probeName = "probe",
        IReadOnlyList<Rgb>? palette = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        ArgumentNullException.ThrowIfNull(objectColours);
        if (objectColours.Count == 0) throw new ArgumentException("Give at least one object colour to measure.", nameof(objectColours));
        if (!(tolerance > 0)) throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, "The colour tolerance must be positive.");
        _size = size;
        _objectColours = [.. objectColours];
        _palette = [.. (palette ?? Palette.All).Concat(objectColours).Distinct()];
        Tolerance = tolerance;
        _probeName = probeName ?? "probe";
    }

    /// <summary>Largest RGB distance at which a pixel still counts as its nearest palette colour.</summary>
    public double Tolerance { get; }

    /// <summary>Per object colour, in the order given: the mean pixel centre and the number of pixels (zero when none).</summary>
    /// <exception cref="ArgumentException">The frame is not of the probe's size.</exception>
    public (double X, double Y, int Area)[] Measure(Image frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        frame.EnsureSize(_size, _size, $"{_probeName} frame");
        var sums = new (double X, double Y, int Area)[_objectColours.Length];
        for (int y = 0; y < frame.Height; y++)
            for (int x = 0; x < frame.Width; x++)
            {
                int index = Array.IndexOf(_objectColours, Nearest(frame[x, y]));
                if (index >= 0) sums[index] = (sums[index].X + x + 0.5, sums[index].Y + y + 0.5, sums[index].Area + 1);
            }
        return sums.Select(s => s.Area == 0 ? s : (s.X / s.Area, s.Y / s.Area, s.Area)).ToArray();
    }

    Rgb? Nearest(Rgb pixel)
    {
        var best = _palette.MinBy(c => Distance2(c, pixel));
        return Distance2(best, pixel) <= Tolerance * Tolerance ? best : null;
    }

    static int Distance2(Rgb a, Rgb b) => (a.R - b.R) * (a.R - b.R) + (a.G - b.G) * (a.G - b.G) + (a.B - b.B) * (a.B - b.B);
}
