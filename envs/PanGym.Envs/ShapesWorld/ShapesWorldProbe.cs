using PanGym.Gym;

namespace PanGym.Envs;

/// <summary>
/// Reads ShapesWorld's shapes back out of a frame: each pixel is classified by its nearest palette colour (within
/// <see cref="Tolerance"/>), and each shape's centroid minus that shape's known centroid offset inside its box gives the
/// box's top-left corner, the <see cref="ShapeState"/> coordinates. Exact on clean frames; unchanged by mild noise.
/// </summary>
public sealed class ShapesWorldProbe : IStateProbe
{
    /// <summary>Default colour tolerance: the largest RGB distance at which a pixel still counts as a palette colour.</summary>
    public const double DefaultTolerance = PaletteCentroids.DefaultTolerance;

    static readonly ShapeKind[] _kinds = Enum.GetValues<ShapeKind>();
    readonly PaletteCentroids _centroids;
    readonly (double X, double Y, int Area)[] _shapeAtOrigin;

    /// <summary>A probe for frames of <paramref name="config"/>.</summary>
    public ShapesWorldProbe(ShapesWorldConfig config, double tolerance = DefaultTolerance)
    {
        ArgumentNullException.ThrowIfNull(config);
        Config = config;
        _centroids = new PaletteCentroids(config.Size, [.. _kinds.Select(k => k.Colour())], tolerance, "ShapesWorld probe");
        _shapeAtOrigin = _kinds.Select(kind =>
        {
            var canvas = new Image(config.Size, config.Size);
            canvas.Fill(Palette.Background);
            Raster.FillShape(canvas, kind, 0, 0, config.ShapeSize);
            return _centroids.Measure(canvas)[(int)kind];
        }).ToArray();
    }

    /// <summary>The configuration whose frames this probe reads.</summary>
    public ShapesWorldConfig Config { get; }

    /// <summary>Largest RGB distance at which a pixel still counts as a palette colour.</summary>
    public double Tolerance => _centroids.Tolerance;

    /// <summary>
    /// The shapes found, ordered by kind and named by <see cref="ShapeKindExtensions.DisplayName"/>; X and Y are the box's
    /// top-left corner. A shape is reported when at least a quarter of its pixels are found.
    /// </summary>
    public IReadOnlyList<ProbedObject> Probe(Image frame)
    {
        var measured = _centroids.Measure(frame);
        return _kinds
            .Where(kind => 4 * measured[(int)kind].Area >= _shapeAtOrigin[(int)kind].Area)
            .Select(kind => new ProbedObject(
                kind.DisplayName(),
                measured[(int)kind].X - _shapeAtOrigin[(int)kind].X,
                measured[(int)kind].Y - _shapeAtOrigin[(int)kind].Y,
                measured[(int)kind].Area))
            .ToArray();
    }
}
