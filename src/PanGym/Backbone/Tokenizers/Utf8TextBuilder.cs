using System.Runtime.InteropServices;
using System.Text;

namespace PanGym.Backbone;

/// <summary>
/// Builds decoded text from token bytes and verbatim token text. Bytes are collected until text is appended, then
/// read as UTF-8 with U+FFFD for invalid sequences (Hugging Face decodes with <c>errors="replace"</c>), so a
/// character whose bytes span several tokens comes out whole.
/// </summary>
internal sealed class Utf8TextBuilder
{
    private readonly StringBuilder _text = new();
    private readonly List<byte> _pendingBytes = [];

    /// <summary>Bytes of the next token, appended to the pending UTF-8 run.</summary>
    public List<byte> PendingBytes => _pendingBytes;

    /// <summary>Appends one byte.</summary>
    public void AppendByte(byte value) => _pendingBytes.Add(value);

    /// <summary>Appends text as written (an added token's content), after the pending bytes.</summary>
    public void AppendText(string text)
    {
        FlushBytes();
        _text.Append(text);
    }

    /// <summary>The decoded text.</summary>
    public override string ToString()
    {
        FlushBytes();
        return _text.ToString();
    }

    private void FlushBytes()
    {
        _text.Append(Encoding.UTF8.GetString(CollectionsMarshal.AsSpan(_pendingBytes)));
        _pendingBytes.Clear();
    }
}
