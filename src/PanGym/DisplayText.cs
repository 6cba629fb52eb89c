using System.Globalization;
using System.Text;

namespace PanGym;

/// <summary>
/// Makes text that came from a user or a file safe to echo in a message: control characters (ANSI escapes, newlines,
/// NUL) are written as <c>\u001b</c>-style escapes, and anything past a length cap is cut and counted, so a 10 MB action
/// or a binary file's bytes never flood a terminal or rewrite it.
/// </summary>
public static class DisplayText
{
    /// <summary>The default cap, in characters, of one echoed value.</summary>
    public const int DefaultMaxLength = 80;

    /// <summary><paramref name="text"/> in double quotes, escaped and capped at <paramref name="maxLength"/> characters (see <see cref="Escape"/>).</summary>
    public static string Quote(string? text, int maxLength = DefaultMaxLength) => text is null ? "(null)" : $"\"{Escape(text, maxLength)}\"";

    /// <summary>
    /// <paramref name="text"/> with every control or format character (and an unpaired surrogate) written as <c>\uXXXX</c>,
    /// cut after <paramref name="maxLength"/> characters of the original with "… (N more characters)".
    /// </summary>
    public static string Escape(string text, int maxLength = DefaultMaxLength)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        int shown = Math.Min(text.Length, maxLength);
        if (shown < text.Length && char.IsHighSurrogate(text[shown - 1])) shown--;
        var builder = new StringBuilder(shown + 32);
        for (int i = 0; i < shown; i++)
        {
            char c = text[i];
            bool pairedSurrogate = char.IsSurrogate(c) && (char.IsHighSurrogate(c) ? i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) : i > 0 && char.IsHighSurrogate(text[i - 1]));
            UnicodeCategory category = CharUnicodeInfo.GetUnicodeCategory(c);
            if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
                || (char.IsSurrogate(c) && !pairedSurrogate))
                builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            else
                builder.Append(c);
        }
        if (shown < text.Length) builder.Append(CultureInfo.InvariantCulture, $"… ({text.Length - shown:N0} more characters)");
        return builder.ToString();
    }
}
