namespace PanGym.Envs;

/// <summary>
/// A parsed ShapesWorld action: move <see cref="Shape"/> one step in <see cref="Direction"/>, or wait
/// (<see cref="Direction.None"/>, no shape). <see cref="ToString"/> gives the canonical text, one of <see cref="Candidates"/>.
/// </summary>
/// <param name="Shape">The shape to move; null for wait.</param>
/// <param name="Direction">The direction; <see cref="Direction.None"/> for wait.</param>
public sealed record ShapesWorldAction(ShapeKind? Shape, Direction Direction)
{
    static readonly HashSet<string> _genericNouns = ["shape", "object", "one"];

    /// <summary>Doing nothing.</summary>
    public static ShapesWorldAction Wait { get; } = new(null, Direction.None);

    /// <summary>The fixed candidate actions: every shape in every direction, then "wait" (13 in all).</summary>
    public static IReadOnlyList<string> Candidates { get; } =
    [
        .. Enum.GetValues<ShapeKind>().SelectMany(kind =>
            new[] { Direction.Left, Direction.Right, Direction.Up, Direction.Down }.Select(d => new ShapesWorldAction(kind, d).ToString())),
        Wait.ToString(),
    ];

    /// <summary>Whether this is the wait action.</summary>
    public bool IsWait => Direction == Direction.None;

    /// <summary>
    /// Parses "&lt;verb&gt; [the] &lt;shape&gt; [to] [the] &lt;direction&gt;" or "wait". The verb is move, push, shift, slide or go;
    /// the direction left/right/up/down or west/east/north/south; the shape is named by colour, noun or both ("red",
    /// "circle", "red circle", "red shape"); wait is also noop, no-op, do nothing or stay. Case, spacing and trailing
    /// punctuation are ignored.
    /// </summary>
    /// <exception cref="UnknownActionException">The text fits none of these, or its shape reference fits more than one shape.</exception>
    public static ShapesWorldAction Parse(string text)
    {
        var (reference, direction) = ActionText.SplitVerbPhrase(text, "move <shape> <direction>", Candidates);
        if (direction == Direction.None) return Wait;
        var matches = Enum.GetValues<ShapeKind>().Where(kind => Refers(kind, reference)).ToList();
        return matches.Count switch
        {
            1 => new ShapesWorldAction(matches[0], direction),
            0 => throw ActionText.Unknown(text, $"{DisplayText.Quote(string.Join(' ', reference))} does not name a shape", Candidates),
            _ => throw ActionText.Unknown(text, $"it is ambiguous which shape to move ({string.Join(", ", matches.Select(k => k.DisplayName()))}); name it by colour or shape", Candidates),
        };
    }

    /// <inheritdoc />
    public override string ToString() => Shape is ShapeKind kind ? $"move the {kind.DisplayName()} {Direction.ToWord()}" : "wait";

    static bool Refers(ShapeKind kind, string[] reference) => reference switch
    {
        [] => true,
        [var word] => word == kind.ColourWord() || word == kind.Noun() || _genericNouns.Contains(word),
        [var colour, var noun] => colour == kind.ColourWord() && (noun == kind.Noun() || _genericNouns.Contains(noun)),
        _ => false,
    };
}
