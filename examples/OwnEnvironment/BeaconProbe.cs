using PanGym.Envs;
using PanGym.Gym;

namespace OwnEnvironment;

/// <summary>
/// Reads the beacon back out of a frame, real or imagined: the centroid of the orange pixels (<see cref="PaletteCentroids"/>).
/// The evaluation scores predicted frames with it and the planner's reward reads imagined frames with it.
/// </summary>
public sealed class BeaconProbe(int size) : IStateProbe
{
    /// <summary>The object's name, the key of <see cref="BeaconWorld.ObjectPositions"/> too.</summary>
    public const string Name = "beacon";

    readonly PaletteCentroids _centroids = new(size, [Palette.Orange], probeName: "BeaconWorld probe");

    /// <inheritdoc />
    public IReadOnlyList<ProbedObject> Probe(Image frame)
    {
        var (x, y, area) = _centroids.Measure(frame)[0];
        return area >= BeaconWorld.BeaconSize * BeaconWorld.BeaconSize / 3 ? [new ProbedObject(Name, x, y, area)] : [];
    }
}
