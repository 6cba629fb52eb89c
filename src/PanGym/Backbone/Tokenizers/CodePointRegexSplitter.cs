using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace PanGym.Backbone;

/// <summary>
/// A pre-tokenizer split step (Hugging Face <c>Split</c> with behavior <c>Isolated</c>): each regex match becomes a
/// piece and so does each stretch between matches.
/// </summary>
/// <remarks>
/// Hugging Face runs its patterns over code points (Oniguruma; transformers.js uses JavaScript's <c>u</c> mode);
/// .NET's <see cref="Regex"/> runs over UTF-16 units, where a character beyond U+FFFF is two surrogates: <c>\p{L}</c>
/// misses such a letter, and <c>[^\r\n\p{L}\p{N}]?</c> can take half an emoji. So text with surrogate pairs is matched
/// through a stand-in string with one BMP character per code point, of the same Unicode category (no code point
/// beyond U+FFFF is white space), and the match positions are mapped back.
/// The pattern comes from a tokenizer.json, so it runs with a time limit per match: a pattern that backtracks
/// catastrophically (<c>(a+)+$</c>) is refused as soon as it is caught at it, instead of hanging the process.
/// </remarks>
internal sealed class CodePointRegexSplitter
{
    /// <summary>The longest one match may run; real pre-tokenizer patterns match in microseconds.</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(2);

    private static readonly Dictionary<UnicodeCategory, char> _bmpCharOfCategory = BuildBmpCharOfCategory();
    private readonly Regex _pattern;
    private readonly string _source;

    /// <summary>Splits on <paramref name="pattern"/>, read from <paramref name="source"/> (named when it runs too long).</summary>
    /// <exception cref="ArgumentException">The pattern is not a .NET regex.</exception>
    public CodePointRegexSplitter(string pattern, string source)
    {
        _pattern = new Regex(pattern, RegexOptions.CultureInvariant, MatchTimeout);
        _source = source;
    }

    /// <summary>The pieces of <paramref name="text"/>, in order, none empty.</summary>
    /// <exception cref="InvalidInputException">The pattern ran longer than <see cref="MatchTimeout"/> on one match.</exception>
    public IEnumerable<string> Split(string text)
    {
        try
        {
            return [.. Pieces(text)];
        }
        catch (RegexMatchTimeoutException)
        {
            throw new InvalidInputException(_source,
                $"{_source}: the pre-tokenizer pattern {DisplayText.Quote(_pattern.ToString(), 60)} ran longer than {MatchTimeout.TotalSeconds:0.#} s on one match " +
                $"in a text of {text.Length:N0} characters: it backtracks catastrophically; fix the pattern in the file.");
        }
    }

    private IEnumerable<string> Pieces(string text)
    {
        (string matched, int[]? originalIndex) = ToBmpStandIn(text);
        int Original(int index) => originalIndex is null ? index : originalIndex[index];

        int start = 0;
        for (Match match = _pattern.Match(matched); match.Success; match = match.NextMatch())
        {
            if (match.Length == 0)
            {
                continue;
            }
            int matchStart = Original(match.Index);
            int matchEnd = Original(match.Index + match.Length);
            if (matchStart > start)
            {
                yield return text[start..matchStart];
            }
            yield return text[matchStart..matchEnd];
            start = matchEnd;
        }
        if (start < text.Length)
        {
            yield return text[start..];
        }
    }

    /// <summary>
    /// The text itself when it has no surrogates; otherwise one character per code point and, for each stand-in
    /// index (and the end), the index in the original text.
    /// </summary>
    private static (string Text, int[]? OriginalIndex) ToBmpStandIn(string text)
    {
        if (!text.Any(char.IsSurrogate))
        {
            return (text, null);
        }
        var standIn = new StringBuilder(text.Length);
        var originalIndex = new List<int>(text.Length + 1);
        for (int i = 0; i < text.Length; i += char.IsSurrogatePair(text, i) ? 2 : 1)
        {
            originalIndex.Add(i);
            standIn.Append(char.IsSurrogatePair(text, i)
                ? _bmpCharOfCategory[CharUnicodeInfo.GetUnicodeCategory(char.ConvertToUtf32(text, i))]
                : text[i]);
        }
        originalIndex.Add(text.Length);
        return (standIn.ToString(), originalIndex.ToArray());
    }

    /// <summary>For each category, its first character from U+0100 on (past ASCII, so no pattern literal like ' or s).</summary>
    private static Dictionary<UnicodeCategory, char> BuildBmpCharOfCategory()
    {
        var map = new Dictionary<UnicodeCategory, char>();
        for (int c = 0x100; c <= 0xFFFF; c++)
        {
            if (!char.IsSurrogate((char)c) && !char.IsWhiteSpace((char)c))
            {
                map.TryAdd(CharUnicodeInfo.GetUnicodeCategory((char)c), (char)c);
            }
        }
        return map;
    }
}
