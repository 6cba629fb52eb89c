namespace PanGym.Envs;

/// <summary>ShapesWorld's true state (reported as <c>info["state"]</c>): the shapes, ordered by kind, and the episode's goal.</summary>
/// <param name="Shapes">The shapes present, one per kind at most, ordered by <see cref="ShapeKind"/>.</param>
/// <param name="Target">The shape to bring into the goal region.</param>
/// <param name="Goal">The grey square the target's centre must enter.</param>
public sealed record ShapesWorldState(IReadOnlyList<ShapeState> Shapes, ShapeKind Target, GoalRegion Goal)
{
    /// <summary>The shape of <paramref name="kind"/>, or null when it is absent.</summary>
    public ShapeState? Find(ShapeKind kind) => Shapes.FirstOrDefault(s => s.Kind == kind);

    /// <inheritdoc />
    public bool Equals(ShapesWorldState? other) =>
        other is not null && Target == other.Target && Goal == other.Goal && Shapes.SequenceEqual(other.Shapes);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Target);
        hash.Add(Goal);
        foreach (var shape in Shapes) hash.Add(shape);
        return hash.ToHashCode();
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"{string.Join(", ", Shapes)}; target {Target.DisplayName()}, goal {Goal.Size}² at ({Goal.X}, {Goal.Y})";
}
