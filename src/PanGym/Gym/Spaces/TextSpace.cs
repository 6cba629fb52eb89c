namespace PanGym.Gym.Spaces;

/// <summary>
/// Gymnasium's <c>Text</c> space for free-text actions, with an optional finite list of candidate actions (the
/// actions a planner searches over). With <see cref="EnforceCandidates"/> only the candidates are members; otherwise
/// any string of allowed length and characters is, and <see cref="Sample"/> draws from the candidates.
/// </summary>
public sealed class TextSpace : Space<string>
{
    /// <summary>Letters, digits, space and common punctuation.</summary>
    public const string DefaultCharset = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;:!?'\"-()/";

    readonly HashSet<char> _charset;
    readonly HashSet<string> _candidateSet;

    /// <summary>A text space.</summary>
    /// <param name="maxLength">Longest allowed text.</param>
    /// <param name="minLength">Shortest allowed text.</param>
    /// <param name="charset">Allowed characters (default <see cref="DefaultCharset"/>).</param>
    /// <param name="candidates">A finite list of actions to sample and plan over, or null.</param>
    /// <param name="enforceCandidates">Whether only the candidates are valid.</param>
    public TextSpace(int maxLength, int minLength = 1, string? charset = null, IEnumerable<string>? candidates = null, bool enforceCandidates = false)
    {
        if (minLength < 0 || maxLength < minLength)
            throw new ArgumentException($"Text lengths must satisfy 0 ≤ min ≤ max; got min {minLength}, max {maxLength}.");
        Charset = charset ?? DefaultCharset;
        if (Charset.Length == 0) throw new ArgumentException("The charset is empty.", nameof(charset));
        _charset = [.. Charset];
        MinLength = minLength;
        MaxLength = maxLength;
        Candidates = candidates?.ToArray() ?? [];
        if (enforceCandidates && Candidates.Count == 0)
            throw new ArgumentException("The candidate list is empty, so an enforced list would admit no action.", nameof(candidates));
        foreach (var c in Candidates)
            if (!FitsLengthAndCharset(c))
                throw new ArgumentException($"Candidate action \"{c}\" does not fit the space (length {MinLength}–{MaxLength}, allowed characters).", nameof(candidates));
        _candidateSet = new HashSet<string>(Candidates, StringComparer.Ordinal);
        EnforceCandidates = enforceCandidates;
    }

    /// <summary>Shortest allowed text.</summary>
    public int MinLength { get; }

    /// <summary>Longest allowed text.</summary>
    public int MaxLength { get; }

    /// <summary>Allowed characters.</summary>
    public string Charset { get; }

    /// <summary>The candidate actions, possibly empty.</summary>
    public IReadOnlyList<string> Candidates { get; }

    /// <summary>Whether only <see cref="Candidates"/> are members.</summary>
    public bool EnforceCandidates { get; }

    /// <inheritdoc />
    public override bool Contains(string value) =>
        value is not null && (EnforceCandidates ? _candidateSet.Contains(value) : FitsLengthAndCharset(value));

    /// <summary>A uniformly drawn candidate when there are candidates, else a random string of allowed length and characters.</summary>
    public override string Sample()
    {
        if (Candidates.Count > 0) return Candidates[Random.Next(Candidates.Count)];
        int length = Random.Next(Math.Max(MinLength, 1), MaxLength + 1);
        return string.Create(length, Random, (span, rng) =>
        {
            for (int i = 0; i < span.Length; i++) span[i] = Charset[rng.Next(Charset.Length)];
        });
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"TextSpace(length {MinLength}–{MaxLength}, {Candidates.Count} candidates{(EnforceCandidates ? ", enforced" : "")})";

    bool FitsLengthAndCharset(string value) =>
        value.Length >= MinLength && value.Length <= MaxLength && value.All(_charset.Contains);
}
