using PanGym.Envs;

namespace PanGym.Tests.Envs;

/// <summary>A DotWorld push, or wait.</summary>
public sealed record DotAction(Direction Direction)
{
    public static IReadOnlyList<string> Candidates { get; } = ["push left", "push right", "push up", "push down", "wait"];

    public override string ToString() => Direction == Direction.None ? "wait" : $"push {Direction.ToWord()}";
}
