namespace PanGym.Envs;

/// <summary>
/// A parsed MomentumWorld action: push the ball in <see cref="Direction"/>, or wait (<see cref="Direction.None"/>).
/// <see cref="ToString"/> gives the canonical text, one of <see cref="Candidates"/>.
/// </summary>
/// <param name="Direction">Where the push points; <see cref="Direction.None"/> for wait.</param>
public sealed record MomentumWorldAction(Direction Direction)
{
    static readonly string[][] _ballReferences = [[], ["ball"], ["orange", "ball"], ["orange"]];

    /// <summary>Doing nothing (the ball keeps its momentum).</summary>
    public static MomentumWorldAction Wait { get; } = new(Direction.None);

    /// <summary>The fixed candidate actions: "push left", "push right", "push up", "push down", "wait".</summary>
    public static IReadOnlyList<string> Candidates { get; } =
        [.. new[] { Direction.Left, Direction.Right, Direction.Up, Direction.Down, Direction.None }.Select(d => new MomentumWorldAction(d).ToString())];

    /// <summary>
    /// Parses "&lt;verb&gt; [the ball] [to] [the] &lt;direction&gt;" or "wait". The verb is push, move, shift, slide or go;
    /// the direction left/right/up/down or west/east/north/south; wait is also noop, no-op, do nothing or stay. Case,
    /// spacing and trailing punctuation are ignored.
    /// </summary>
    /// <exception cref="UnknownActionException">The text fits none of these.</exception>
    public static MomentumWorldAction Parse(string text)
    {
        var (reference, direction) = ActionText.SplitVerbPhrase(text, "push <direction>", Candidates);
        if (!_ballReferences.Any(ball => ball.SequenceEqual(reference)))
            throw ActionText.Unknown(text, $"{DisplayText.Quote(string.Join(' ', reference))} is not the ball", Candidates);
        return new MomentumWorldAction(direction);
    }

    /// <inheritdoc />
    public override string ToString() => Direction == Direction.None ? "wait" : $"push {Direction.ToWord()}";
}
