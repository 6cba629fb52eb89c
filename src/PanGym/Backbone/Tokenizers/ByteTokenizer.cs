using System.Text;

namespace PanGym.Backbone;

/// <summary>
/// The tokenizer of the tiny and small presets, which need no tokenizer file: ids 0..255 are the UTF-8 bytes of the
/// text, then come Qwen's special tokens <c>&lt;|endoftext|&gt;</c> (256), <c>&lt;|im_start|&gt;</c> (257) and
/// <c>&lt;|im_end|&gt;</c> (258), so the chat template and end of sequence work as with Qwen2 (259 ids in all).
/// </summary>
public sealed class ByteTokenizer : ITokenizer
{
    /// <summary>The special tokens in id order, from id 256 on.</summary>
    public static IReadOnlyList<string> SpecialTokens { get; } = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"];

    private const int FirstSpecialId = 256;
    private static readonly Dictionary<string, int> _idOfSpecialToken =
        SpecialTokens.Select((token, index) => (token, index)).ToDictionary(entry => entry.token, entry => FirstSpecialId + entry.index);

    private readonly AddedTokenSplitter _specialTokens = new(_idOfSpecialToken);

    /// <inheritdoc />
    public int VocabSize => FirstSpecialId + SpecialTokens.Count;

    /// <summary><c>&lt;|endoftext|&gt;</c> (256).</summary>
    public int? EosTokenId => FirstSpecialId;

    /// <inheritdoc />
    public IReadOnlyList<int> Encode(string text) =>
        _specialTokens.Encode(text, (run, ids) => ids.AddRange(Encoding.UTF8.GetBytes(run).Select(b => (int)b)));

    /// <inheritdoc />
    public string Decode(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var text = new Utf8TextBuilder();
        foreach (int id in ids)
        {
            if (id is >= 0 and < FirstSpecialId)
            {
                text.AppendByte((byte)id);
            }
            else if (id >= FirstSpecialId && id < VocabSize)
            {
                text.AppendText(SpecialTokens[id - FirstSpecialId]);
            }
            else
            {
                throw new ArgumentOutOfRangeException(nameof(ids), id, $"Token id {id} is not in the vocabulary (ids 0..{VocabSize - 1}).");
            }
        }
        return text.ToString();
    }

    /// <summary>Ids 256 and up: the special tokens.</summary>
    public bool IsSpecialToken(int id) => id >= FirstSpecialId && id < VocabSize;

    /// <summary>
    /// The id of a special token, or of a one-character token: the character's byte when it is a single UTF-8 byte
    /// (ASCII), otherwise null.
    /// </summary>
    public int? TokenToId(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return _idOfSpecialToken.TryGetValue(token, out int special) ? special
            : token.Length == 1 && token[0] < 0x80 ? token[0]
            : null;
    }
}
