using PanGym.Gym;
using Rgb = (byte R, byte G, byte B);

namespace PanGym.Envs;

/// <summary>
/// The measuring half of the state probes: classifies each pixel by its nearest <see cref="Palette"/> colour (kept only
/// within <see cref="Tolerance"/>, Euclidean in RGB) and returns, per object colour, the centroid of the pixel centres
/// and the pixel count.
/// </summary>
internal sealed class PaletteCentroids
{
    /// <summary>A tolerance far above mild noise (±10 per channel is at most 17.3 away) and far below the gaps between palette colours.</summary>
    public const double DefaultTolerance = 48;

    readonly int _size;
    readonly Rgb[] _objectColours;
    readonly string _probeName;

    /// <summary>Measures <paramref name="size"/>-square frames for the given object colours.</summary>
    public PaletteCentroids(int size, IReadOnlyList<Rgb> objectColours, double tolerance, string probeName)
    {
        if (!(tolerance > 0)) throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, "The colour tolerance must be positive.");
        _size = size;
        _objectColours = [.. objectColours];
        Tolerance = tolerance;
        _probeName = probeName;
    }

    /// <summary>Largest RGB distance at which a pixel still counts as its nearest palette colour.</summary>
    public double Tolerance { get; }

    /// <summary>Per object colour, in the order given: the mean pixel centre and the number of pixels (zero when none).</summary>
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
        var best = Palette.All.MinBy(c => Distance2(c, pixel));
        return Distance2(best, pixel) <= Tolerance * Tolerance ? best : null;
    }

    static int Distance2(Rgb a, Rgb b) => (a.R - b.R) * (a.R - b.R) + (a.G - b.G) * (a.G - b.G) + (a.B - b.B) * (a.B - b.B);
}
