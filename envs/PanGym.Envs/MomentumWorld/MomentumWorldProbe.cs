using PanGym.Gym;

namespace PanGym.Envs;

/// <summary>
/// Reads MomentumWorld's ball back out of a frame: the centroid of the pixels whose nearest palette colour (within
/// <see cref="Tolerance"/>) is the ball's orange estimates its real-valued centre to a fraction of a pixel. The velocity
/// is not visible in one frame; difference two probed frames to estimate it.
/// </summary>
public sealed class MomentumWorldProbe : IStateProbe
{
    /// <summary>Default colour tolerance: the largest RGB distance at which a pixel still counts as a palette colour.</summary>
    public const double DefaultTolerance = PaletteCentroids.DefaultTolerance;

    /// <summary>The probed object's name.</summary>
    public const string BallName = "ball";

    readonly PaletteCentroids _centroids;
    readonly double _ballArea;

    /// <summary>A probe for frames of <paramref name="config"/>.</summary>
    public MomentumWorldProbe(MomentumWorldConfig config, double tolerance = DefaultTolerance)
    {
        ArgumentNullException.ThrowIfNull(config);
        Config = config;
        _centroids = new PaletteCentroids(config.Size, [Palette.Orange], tolerance, "MomentumWorld probe");
        _ballArea = Math.PI * config.BallRadius * config.BallRadius;
    }

    /// <summary>The configuration whose frames this probe reads.</summary>
    public MomentumWorldConfig Config { get; }

    /// <summary>Largest RGB distance at which a pixel still counts as a palette colour.</summary>
    public double Tolerance => _centroids.Tolerance;

    /// <summary>The ball (named <see cref="BallName"/>, X and Y its centre) when at least a quarter of its area is found; else nothing.</summary>
    public IReadOnlyList<ProbedObject> Probe(Image frame)
    {
        var (x, y, area) = _centroids.Measure(frame)[0];
        return 4 * area >= _ballArea ? [new ProbedObject(BallName, x, y, area)] : [];
    }
}
