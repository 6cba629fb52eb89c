using System.Text;

namespace PanGym.Backbone;

/// <summary>
/// GPT-2's reversible byte ↔ character map (<c>bytes_to_unicode</c>, Radford et al. 2019), which byte-level BPE
/// vocabularies (GPT-2, Qwen2) are written in: printable Latin-1 bytes stand for themselves, the other 68 bytes
/// (controls, space, soft hyphen, ...) are shifted to U+0100 and up, so a space becomes 'Ġ' and a newline 'Ċ'.
/// </summary>
internal static class ByteLevelAlphabet
{
    private static readonly char[] _charOfByte = BuildCharOfByte();
    private static readonly Dictionary<char, byte> _byteOfChar =
        Enumerable.Range(0, 256).ToDictionary(b => _charOfByte[b], b => (byte)b);

    /// <summary>The 256 byte characters in GPT-2's vocabulary order (the order of ids 0..255 in GPT-2 and Qwen2).</summary>
    public static IEnumerable<char> VocabularyOrder => _charOfByte.Order();

    /// <summary>The byte-level spelling of <paramref name="text"/>'s UTF-8 bytes.</summary>
    public static string Encode(string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        return string.Create(bytes.Length, bytes, (chars, source) =>
        {
            for (int i = 0; i < source.Length; i++)
            {
                chars[i] = _charOfByte[source[i]];
            }
        });
    }

    /// <summary>The character that stands for <paramref name="value"/>.</summary>
    public static char CharFor(byte value) => _charOfByte[value];

    /// <summary>
    /// Appends the bytes a vocabulary token spells. A token with a character outside the alphabet (which only an
    /// added token can have) is taken as plain text: its own UTF-8 bytes, as the Hugging Face ByteLevel decoder does.
    /// </summary>
    public static void AppendBytes(string token, List<byte> bytes)
    {
        if (token.All(_byteOfChar.ContainsKey))
        {
            bytes.AddRange(token.Select(c => _byteOfChar[c]));
        }
        else
        {
            bytes.AddRange(Encoding.UTF8.GetBytes(token));
        }
    }

    private static char[] BuildCharOfByte()
    {
        static bool StandsForItself(int b) => b is >= '!' and <= '~' or >= '¡' and <= '¬' or >= '®' and <= 'ÿ';
        var map = new char[256];
        int shifted = 256;
        for (int b = 0; b < 256; b++)
        {
            map[b] = StandsForItself(b) ? (char)b : (char)shifted++;
        }
        return map;
    }
}
