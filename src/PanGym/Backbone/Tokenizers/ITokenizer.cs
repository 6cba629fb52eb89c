namespace PanGym.Backbone;

/// <summary>Text ↔ token ids for the dynamics backbone, which embeds text actions and chat-template markers.</summary>
public interface ITokenizer
{
    /// <summary>One more than the largest id: every id is in [0, VocabSize), special (added) tokens included.</summary>
    int VocabSize { get; }

    /// <summary>
    /// The end-of-sequence id: tokenizer_config.json's <c>eos_token</c> when it names one, otherwise
    /// <c>&lt;|endoftext|&gt;</c> or else <c>&lt;|im_end|&gt;</c> (Qwen's convention), otherwise null.
    /// </summary>
    int? EosTokenId { get; }

    /// <summary>
    /// The ids of <paramref name="text"/>. Special (added) tokens written in the text, such as
    /// <c>&lt;|im_start|&gt;</c>, become their ids, as in Hugging Face; no BOS/EOS is added.
    /// </summary>
    /// <exception cref="ArgumentException">The text has an unpaired surrogate (it is not valid Unicode).</exception>
    IReadOnlyList<int> Encode(string text);

    /// <summary>The text of <paramref name="ids"/>, special tokens written as their text; the inverse of <see cref="Encode"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An id is not in the vocabulary.</exception>
    string Decode(IEnumerable<int> ids);

    /// <summary>The id of one token as the vocabulary spells it (e.g. "&lt;|im_end|&gt;"), or null when there is none.</summary>
    int? TokenToId(string token);

    /// <summary>
    /// Whether <paramref name="id"/> is a special (added) token, such as <c>&lt;|im_start|&gt;</c> or <c>&lt;|endoftext|&gt;</c>:
    /// one that marks structure (turns, padding, the end) rather than standing for text, so that text which must stay
    /// plain (a world model's action) is refused when it spells one.
    /// </summary>
    bool IsSpecialToken(int id);
}
