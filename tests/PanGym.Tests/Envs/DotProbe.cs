using PanGym.Envs;
using PanGym.Gym;

namespace PanGym.Tests.Envs;

/// <summary>Finds the purple dot's centre with <see cref="PaletteCentroids"/>, the dot's colour added to the palette.</summary>
public sealed class DotProbe(int size) : IStateProbe
{
    public const string Name = "dot";
    readonly PaletteCentroids _centroids = new(size, [DotWorld.Purple], probeName: "DotWorld probe");

    public IReadOnlyList<ProbedObject> Probe(Image frame)
    {
        var (x, y, area) = _centroids.Measure(frame)[0];
        return area >= 4 ? [new ProbedObject(Name, x, y, area)] : [];
    }
}
