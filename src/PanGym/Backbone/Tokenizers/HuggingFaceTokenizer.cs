using System.Text;
using System.Text.Json;
using Microsoft.ML.Tokenizers;
using PanGym.IO;

namespace PanGym.Backbone;

/// <summary>
/// A byte-level BPE tokenizer read from a Hugging Face <c>tokenizer.json</c> (Qwen2/Qwen2.5, GPT-2 style) whose ids
/// equal those of Hugging Face's <c>tokenizers</c> for the same file, added (special) tokens included.
/// </summary>
/// <remarks>
/// Encoding follows Hugging Face's pipeline: cut the text around added tokens (leftmost-longest, on the raw text),
/// normalize each text run (Qwen2: NFC), split it with the pre-tokenizer's regex (Qwen2:
/// <see href="https://huggingface.co/Qwen/Qwen2.5-0.5B/blob/main/tokenizer.json">its Split pattern</see>), then run
/// BPE on each piece's UTF-8 bytes. The merge loop is Microsoft.ML.Tokenizers' <see cref="BpeTokenizer"/>
/// (<c>ByteLevel = true</c>, a port of Hugging Face's rank-ordered merges), given one piece at a time. The steps
/// before it are done here because <see cref="BpeTokenizer"/> would not match Hugging Face on its own: its
/// <see cref="RegexPreTokenizer"/> runs .NET regexes over UTF-16 units (Hugging Face matches code points, see
/// <see cref="CodePointRegexSplitter"/>), and it normalizes the whole text before cutting out special tokens.
/// </remarks>
public sealed class HuggingFaceTokenizer : ITokenizer
{
    /// <summary>The file name Hugging Face gives the tokenizer definition.</summary>
    public const string TokenizerFileName = "tokenizer.json";

    /// <summary>The file name Hugging Face gives the tokenizer's settings (eos_token, chat_template, ...).</summary>
    public const string ConfigFileName = "tokenizer_config.json";

    private readonly string _tokenizerJson;
    private readonly string? _configJson;
    private readonly ByteLevelBpeDefinition _definition;
    private readonly BpeTokenizer _bpe;
    private readonly AddedTokenSplitter _addedTokens;
    private readonly Dictionary<int, string> _tokenOfId = [];
    private readonly HashSet<int> _addedIds;

    private HuggingFaceTokenizer(string tokenizerJson, string tokenizerPath, string? configJson, string? configPath)
    {
        _tokenizerJson = tokenizerJson;
        _configJson = configJson;
        _definition = TokenizerJsonReader.Parse(tokenizerJson, tokenizerPath);
        try
        {
            _bpe = BpeTokenizer.Create(new BpeOptions(_definition.Vocabulary)
            {
                Merges = _definition.Merges.Select(merge => $"{merge.Left} {merge.Right}"),
                ByteLevel = true,
            });
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            throw new InvalidInputException(tokenizerPath, $"{tokenizerPath}: model.merges and model.vocab do not agree: {e.Message}", e);
        }
        _addedTokens = new AddedTokenSplitter(_definition.AddedTokens);
        _addedIds = [.. _definition.AddedTokens.Values];

        foreach ((string token, int id) in _definition.Vocabulary)
        {
            _tokenOfId[id] = token;
        }
        foreach ((string token, int id) in _definition.AddedTokens)
        {
            _tokenOfId[id] = token;
        }
        VocabSize = _tokenOfId.Keys.Max() + 1;

        string? eosToken = configJson is null ? null : TokenizerJsonReader.ReadEosToken(configJson, configPath!);
        EosTokenId = eosToken is null
            ? TokenToId("<|endoftext|>") ?? TokenToId("<|im_end|>")
            : TokenToId(eosToken) ?? throw new InvalidInputException(configPath!, $"{configPath}: eos_token \"{eosToken}\" is not a token of {tokenizerPath}.");
    }

    /// <inheritdoc />
    public int VocabSize { get; }

    /// <inheritdoc />
    public int? EosTokenId { get; }

    /// <summary>Reads a tokenizer.json and, when given, the tokenizer_config.json beside it (for eos_token).</summary>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    /// <exception cref="InvalidInputException">A file is not valid JSON, or asks for something this class does not reproduce.</exception>
    public static HuggingFaceTokenizer FromFile(string tokenizerJsonPath, string? tokenizerConfigPath = null) =>
        new(ReadText(tokenizerJsonPath), tokenizerJsonPath,
            tokenizerConfigPath is null ? null : ReadText(tokenizerConfigPath), tokenizerConfigPath);

    /// <summary>Reads <c>tokenizer.json</c> from a model folder, and <c>tokenizer_config.json</c> when it is there.</summary>
    public static HuggingFaceTokenizer FromFolder(string folder)
    {
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"Tokenizer folder not found: {folder}");
        }
        string configPath = Path.Combine(folder, ConfigFileName);
        return FromFile(Path.Combine(folder, TokenizerFileName), File.Exists(configPath) ? configPath : null);
    }

    /// <summary>
    /// Writes <c>tokenizer.json</c> (as read) and <c>tokenizer_config.json</c> (as read, or, when none was read,
    /// one holding the eos_token) into <paramref name="folder"/>, each to a temporary name and then renamed.
    /// </summary>
    public void Save(string folder)
    {
        Directory.CreateDirectory(folder);
        AtomicFile.WriteAllText(Path.Combine(folder, TokenizerFileName), _tokenizerJson);
        string? config = _configJson ?? (EosTokenId is int eos
            ? JsonSerializer.Serialize(new Dictionary<string, string> { ["eos_token"] = _tokenOfId[eos] })
            : null);
        if (config is not null)
        {
            AtomicFile.WriteAllText(Path.Combine(folder, ConfigFileName), config);
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<int> Encode(string text) => _addedTokens.Encode(text, EncodeTextRun);

    /// <inheritdoc />
    public string Decode(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var text = new Utf8TextBuilder();
        foreach (int id in ids)
        {
            if (!_tokenOfId.TryGetValue(id, out string? token))
            {
                throw new ArgumentOutOfRangeException(nameof(ids), id, $"Token id {id} is not in the vocabulary (ids 0..{VocabSize - 1}).");
            }
            if (_addedIds.Contains(id))
            {
                text.AppendText(token);
            }
            else
            {
                ByteLevelAlphabet.AppendBytes(token, text.PendingBytes);
            }
        }
        return text.ToString();
    }

    /// <summary>Every added token of tokenizer.json (Qwen's <c>&lt;|im_start|&gt;</c>, <c>&lt;|endoftext|&gt;</c>, …) counts as special.</summary>
    public bool IsSpecialToken(int id) => _addedIds.Contains(id);

    /// <inheritdoc />
    public int? TokenToId(string token) =>
        _definition.AddedTokens.TryGetValue(token, out int added) ? added
        : _definition.Vocabulary.TryGetValue(token, out int id) ? id
        : null;

    /// <summary>Text between added tokens: normalize, pre-tokenize, then BPE each piece.</summary>
    private void EncodeTextRun(string text, List<int> ids)
    {
        foreach (NormalizationForm form in _definition.Normalization)
        {
            text = text.Normalize(form);
        }
        IEnumerable<string> pieces = [text];
        foreach (CodePointRegexSplitter split in _definition.PreTokenizerSplits)
        {
            pieces = pieces.SelectMany(split.Split);
        }
        foreach (string piece in pieces)
        {
            EncodePiece(piece, ids);
        }
    }

    private void EncodePiece(string piece, List<int> ids)
    {
        if (_definition.IgnoreMerges && _definition.Vocabulary.TryGetValue(ByteLevelAlphabet.Encode(piece), out int whole))
        {
            ids.Add(whole);
            return;
        }
        ids.AddRange(_bpe.EncodeToIds(piece, considerPreTokenization: false, considerNormalization: false));
    }

    private static string ReadText(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Tokenizer file not found: {path}", path);
        }
        return File.ReadAllText(path);
    }
}
