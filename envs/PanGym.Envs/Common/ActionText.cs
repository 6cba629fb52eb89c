namespace PanGym.Envs;

/// <summary>
/// The forgiving half of text-action parsing, shared by the environments' parsers: normalises case, spacing,
/// trailing punctuation and filler words, and knows the synonyms for verbs, directions and "wait". A new environment's
/// parser starts from <see cref="SplitVerbPhrase"/> (or <see cref="Words"/> and <see cref="DirectionOf"/>) and reports what
/// it cannot read with <see cref="Unknown"/>, so its actions are as forgiving as the built-in ones.
/// </summary>
public static class ActionText
{
    /// <summary>Sentence shown after the accepted actions in an <see cref="UnknownActionException"/>.</summary>
    public const string ForgivenVariants =
        "Case, extra spaces, trailing punctuation, \"the\" and \"to\" are ignored; move/push/shift/slide/go are synonyms, " +
        "as are west/east/north/south for left/right/up/down and noop/no-op/do nothing/stay for wait.";

    static readonly HashSet<string> _fillers = ["the", "to"];
    static readonly HashSet<string> _waitPhrases = ["wait", "noop", "no-op", "no op", "do nothing", "stay"];
    static readonly HashSet<string> _verbs = ["move", "push", "shift", "slide", "go"];

    /// <summary>Whether <paramref name="text"/> is "wait" or one of its synonyms (noop, no-op, do nothing, stay).</summary>
    public static bool IsWait(string text) => _waitPhrases.Contains(string.Join(' ', Words(text)));

    /// <summary>
    /// Splits "&lt;verb&gt; &lt;reference words…&gt; &lt;direction&gt;" into the reference words and the direction, or
    /// recognises "wait" (no words, <see cref="Direction.None"/>).
    /// </summary>
    /// <param name="text">The action as given.</param>
    /// <param name="pattern">The expected form, for the error message, for example "move &lt;shape&gt; &lt;direction&gt;".</param>
    /// <param name="candidates">The environment's candidate actions, for the error message.</param>
    /// <exception cref="UnknownActionException">No verb first or no direction last.</exception>
    public static (string[] Reference, Direction Direction) SplitVerbPhrase(string text, string pattern, IReadOnlyList<string> candidates)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = Words(text);
        if (_waitPhrases.Contains(string.Join(' ', words))) return ([], Direction.None);
        if (words.Length < 2 || !_verbs.Contains(words[0]))
            throw Unknown(text, $"expected \"{pattern}\" or \"wait\"", candidates);
        var direction = DirectionOf(words[^1]) ?? throw Unknown(text, $"{DisplayText.Quote(words[^1])} is not a direction", candidates);
        return (words[1..^1], direction);
    }

    /// <summary>The error for an action that is not understood.</summary>
    public static UnknownActionException Unknown(string text, string reason, IReadOnlyList<string> candidates) =>
        new(text, reason, candidates, ForgivenVariants);

    /// <summary>The words of <paramref name="text"/>: trimmed, lower-case, trailing punctuation and the fillers "the" and "to" removed.</summary>
    public static string[] Words(string text) =>
        (text ?? throw new ArgumentNullException(nameof(text))).Trim().TrimEnd('.', '!', '?', ',', ';', ':').ToLowerInvariant()
            .Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .Where(word => !_fillers.Contains(word))
            .ToArray();

    /// <summary>The direction a lower-case word names (left/right/up/down or west/east/north/south), or null.</summary>
    public static Direction? DirectionOf(string word) => word switch
    {
        "left" or "west" => Direction.Left,
        "right" or "east" => Direction.Right,
        "up" or "north" => Direction.Up,
        "down" or "south" => Direction.Down,
        _ => null,
    };
}
