using System.Text.RegularExpressions;

namespace PanGym.Backbone;

/// <summary>
/// Cuts text around the added (special) tokens written in it, as Hugging Face's added vocabulary does before
/// normalization and pre-tokenization: at each position the longest added token that starts there wins
/// (leftmost-longest), so "&lt;|im_start|&gt;" in the text becomes one id instead of being split into pieces.
/// All added tokens are matched in the raw text; Hugging Face matches those marked <c>normalized</c> in the normalized
/// text instead, which is the same for contents the normalizer leaves alone (Qwen's tokens are all unnormalized).
/// </summary>
internal sealed class AddedTokenSplitter
{
    /// <summary>A run of plain text (<see cref="TokenId"/> null) or one added token.</summary>
    private readonly record struct Segment(string Text, int? TokenId);

    private readonly IReadOnlyDictionary<string, int> _idOfToken;
    private readonly Regex? _anyToken;

    /// <summary>Matches the given added tokens (content → id).</summary>
    public AddedTokenSplitter(IReadOnlyDictionary<string, int> idOfToken)
    {
        _idOfToken = idOfToken;
        // .NET alternation takes the first alternative that matches, so longer tokens go first.
        var alternatives = idOfToken.Keys
            .Where(token => token.Length > 0)
            .OrderByDescending(token => token.Length)
            .ThenBy(token => token, StringComparer.Ordinal)
            .Select(Regex.Escape)
            .ToList();
        _anyToken = alternatives.Count == 0 ? null : new Regex(string.Join('|', alternatives), RegexOptions.CultureInvariant);
    }

    /// <summary>
    /// The ids of <paramref name="text"/>: each added token becomes its id, each run of text between them is
    /// encoded by <paramref name="encodeRun"/>, which appends the run's ids to the list it is given.
    /// </summary>
    /// <exception cref="ArgumentException">The text is not well-formed UTF-16.</exception>
    public List<int> Encode(string text, Action<string, List<int>> encodeRun)
    {
        ArgumentNullException.ThrowIfNull(text);
        RequireWellFormed(text);
        var ids = new List<int>();
        foreach (Segment segment in Split(text))
        {
            if (segment.TokenId is int addedId)
            {
                ids.Add(addedId);
            }
            else
            {
                encodeRun(segment.Text, ids);
            }
        }
        return ids;
    }

    /// <summary>Text and added tokens in order; empty text runs are left out.</summary>
    private IEnumerable<Segment> Split(string text)
    {
        int start = 0;
        if (_anyToken is not null)
        {
            for (Match match = _anyToken.Match(text); match.Success; match = match.NextMatch())
            {
                if (match.Index > start)
                {
                    yield return new Segment(text[start..match.Index], null);
                }
                yield return new Segment(match.Value, _idOfToken[match.Value]);
                start = match.Index + match.Length;
            }
        }
        if (start < text.Length)
        {
            yield return new Segment(text[start..], null);
        }
    }

    /// <summary>
    /// Throws for text that is not well-formed UTF-16 (an unpaired surrogate): it has no UTF-8 bytes, so no
    /// byte-level token can stand for it, and Hugging Face's tokenizers refuse it too.
    /// </summary>
    private static void RequireWellFormed(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            if (!char.IsSurrogate(text[i]))
            {
                continue;
            }
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }
            throw new ArgumentException(
                $"Text has an unpaired surrogate U+{(int)text[i]:X4} at index {i}; it is not valid Unicode and has no UTF-8 bytes.",
                nameof(text));
        }
    }
}
