using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using static PanGym.Backbone.TokenizerJsonFields;

namespace PanGym.Backbone;

/// <summary>
/// Reads the parts of a Hugging Face <c>tokenizer.json</c> that a byte-level BPE tokenizer (GPT-2, Qwen2) uses, and
/// refuses, naming the file and field, whatever it would not reproduce exactly: other model types (WordPiece,
/// Unigram), normalizers other than Unicode normal forms, pre-tokenizers other than Split/ByteLevel, added tokens that
/// strip spaces. The post-processor is not read: <see cref="HuggingFaceTokenizer.Encode"/> adds no BOS/EOS, as
/// Hugging Face's <c>encode(text, add_special_tokens=False)</c>, and Qwen2's ByteLevel post-processor adds none anyway.
/// </summary>
internal static class TokenizerJsonReader
{
    /// <summary>GPT-2's pre-tokenizer pattern, which a ByteLevel step with <c>use_regex: true</c> splits on.</summary>
    private const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    /// <summary>Parses <paramref name="json"/>, the text of <paramref name="path"/> (named in errors).</summary>
    public static ByteLevelBpeDefinition Parse(string json, string path)
    {
        using JsonDocument document = ParseJson(json, path);
        JsonElement root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(path, "(root)", $"expected a JSON object, found {root.ValueKind}");
        }
        JsonElement model = Required(root, "model", JsonValueKind.Object, path, "model");
        ReadModelOptions(model, path, out bool ignoreMerges);

        var splits = new List<CodePointRegexSplitter>();
        bool byteLevel = false;
        if (root.TryGetProperty("pre_tokenizer", out JsonElement preTokenizer) && preTokenizer.ValueKind != JsonValueKind.Null)
        {
            ReadPreTokenizer(preTokenizer, path, "pre_tokenizer", splits, ref byteLevel);
        }
        if (!byteLevel)
        {
            throw Invalid(path, "pre_tokenizer", "has no ByteLevel step; only byte-level BPE (GPT-2, Qwen2) is supported");
        }
        ReadDecoder(root, path);

        return new ByteLevelBpeDefinition(
            ReadVocabulary(model, path),
            ReadMerges(model, path),
            ReadAddedTokens(root, path),
            ReadNormalizer(root, path),
            splits,
            ignoreMerges);
    }

    /// <summary>The <c>eos_token</c> of a tokenizer_config.json (a string or an AddedToken object), or null.</summary>
    public static string? ReadEosToken(string json, string path)
    {
        using JsonDocument document = ParseJson(json, path);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(path, "(root)", $"expected a JSON object, found {document.RootElement.ValueKind}");
        }
        if (!document.RootElement.TryGetProperty("eos_token", out JsonElement eos))
        {
            return null;
        }
        return eos.ValueKind switch
        {
            JsonValueKind.Null => null,
            JsonValueKind.String => eos.GetString(),
            JsonValueKind.Object => Required(eos, "content", JsonValueKind.String, path, "eos_token.content").GetString(),
            _ => throw Invalid(path, "eos_token", $"expected a string or an object with \"content\", found {eos.ValueKind}"),
        };
    }

    private static JsonDocument ParseJson(string json, string path)
    {
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new InvalidInputException(path, $"{path}: not valid JSON: {e.Message}", e);
        }
    }

    private static void ReadModelOptions(JsonElement model, string path, out bool ignoreMerges)
    {
        string type = OptionalString(model, "type", path, "model.type") ?? "BPE";
        if (type != "BPE")
        {
            throw Invalid(path, "model.type", $"is \"{type}\"; only byte-level \"BPE\" is supported");
        }
        if (OptionalString(model, "continuing_subword_prefix", path, "model.continuing_subword_prefix") is { Length: > 0 } prefix)
        {
            throw Invalid(path, "model.continuing_subword_prefix", $"is \"{prefix}\"; byte-level BPE has none");
        }
        if (OptionalString(model, "end_of_word_suffix", path, "model.end_of_word_suffix") is { Length: > 0 } suffix)
        {
            throw Invalid(path, "model.end_of_word_suffix", $"is \"{suffix}\"; byte-level BPE has none");
        }
        if (model.TryGetProperty("dropout", out JsonElement dropout) && dropout.ValueKind == JsonValueKind.Number && dropout.GetDouble() != 0)
        {
            throw Invalid(path, "model.dropout", $"is {dropout.GetDouble()}; BPE dropout (random merges) is not supported");
        }
        if (OptionalBool(model, "byte_fallback", path, "model.byte_fallback") == true)
        {
            throw Invalid(path, "model.byte_fallback", "is true; byte fallback belongs to SentencePiece-style BPE, not byte-level BPE");
        }
        ignoreMerges = OptionalBool(model, "ignore_merges", path, "model.ignore_merges") ?? false;
    }

    private static Dictionary<string, int> ReadVocabulary(JsonElement model, string path)
    {
        var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (JsonProperty entry in Required(model, "vocab", JsonValueKind.Object, path, "model.vocab").EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.Number || !entry.Value.TryGetInt32(out int id) || id < 0)
            {
                throw Invalid(path, $"model.vocab[\"{entry.Name}\"]", $"expected a non-negative integer id, found {entry.Value}");
            }
            vocabulary[entry.Name] = id;
        }
        foreach (char byteChar in ByteLevelAlphabet.VocabularyOrder)
        {
            if (!vocabulary.ContainsKey(byteChar.ToString()))
            {
                throw Invalid(path, "model.vocab", $"lacks the byte-level token \"{byteChar}\" (U+{(int)byteChar:X4}); a byte-level vocabulary has all 256");
            }
        }
        return vocabulary;
    }

    /// <summary>Merges in either form Hugging Face writes: "a b" strings (older files) or ["a", "b"] pairs.</summary>
    private static List<(string Left, string Right)> ReadMerges(JsonElement model, string path)
    {
        var merges = new List<(string Left, string Right)>();
        int index = 0;
        foreach (JsonElement merge in Required(model, "merges", JsonValueKind.Array, path, "model.merges").EnumerateArray())
        {
            string field = $"model.merges[{index++}]";
            string[] parts = merge.ValueKind switch
            {
                JsonValueKind.String => merge.GetString()!.Split(' '),
                JsonValueKind.Array => merge.EnumerateArray()
                    .Select(part => part.ValueKind == JsonValueKind.String ? part.GetString()! : throw Invalid(path, field, $"expected strings, found {part.ValueKind}"))
                    .ToArray(),
                _ => throw Invalid(path, field, $"expected \"a b\" or [\"a\", \"b\"], found {merge.ValueKind}"),
            };
            if (parts.Length != 2 || parts.Any(part => part.Length == 0 || part.Contains(' ')))
            {
                throw Invalid(path, field, $"expected two non-empty tokens without spaces, found {merge.GetRawText()}");
            }
            merges.Add((parts[0], parts[1]));
        }
        return merges;
    }

    private static Dictionary<string, int> ReadAddedTokens(JsonElement root, string path)
    {
        var added = new Dictionary<string, int>(StringComparer.Ordinal);
        if (!root.TryGetProperty("added_tokens", out JsonElement tokens) || tokens.ValueKind == JsonValueKind.Null)
        {
            return added;
        }
        if (tokens.ValueKind != JsonValueKind.Array)
        {
            throw Invalid(path, "added_tokens", $"expected an array, found {tokens.ValueKind}");
        }
        int index = 0;
        foreach (JsonElement token in tokens.EnumerateArray())
        {
            string field = $"added_tokens[{index++}]";
            JsonElement idElement = Required(token, "id", JsonValueKind.Number, path, $"{field}.id");
            if (!idElement.TryGetInt32(out int id) || id < 0)
            {
                throw Invalid(path, $"{field}.id", $"expected a non-negative integer, found {idElement}");
            }
            string content = Required(token, "content", JsonValueKind.String, path, $"{field}.content").GetString()!;
            foreach (string flag in (string[])["lstrip", "rstrip", "single_word"])
            {
                if (OptionalBool(token, flag, path, $"{field}.{flag}") == true)
                {
                    throw Invalid(path, $"{field}.{flag}", $"is true for \"{content}\"; added tokens that strip or match whole words are not supported");
                }
            }
            added[content] = id;
        }
        return added;
    }

    private static List<NormalizationForm> ReadNormalizer(JsonElement root, string path)
    {
        var forms = new List<NormalizationForm>();
        if (root.TryGetProperty("normalizer", out JsonElement normalizer) && normalizer.ValueKind != JsonValueKind.Null)
        {
            ReadNormalizer(normalizer, path, "normalizer", forms);
        }
        return forms;
    }

    private static void ReadNormalizer(JsonElement normalizer, string path, string field, List<NormalizationForm> forms)
    {
        string type = Required(normalizer, "type", JsonValueKind.String, path, $"{field}.type").GetString()!;
        switch (type)
        {
            case "NFC": forms.Add(NormalizationForm.FormC); break;
            case "NFD": forms.Add(NormalizationForm.FormD); break;
            case "NFKC": forms.Add(NormalizationForm.FormKC); break;
            case "NFKD": forms.Add(NormalizationForm.FormKD); break;
            case "Sequence":
                int index = 0;
                foreach (JsonElement step in Required(normalizer, "normalizers", JsonValueKind.Array, path, $"{field}.normalizers").EnumerateArray())
                {
                    ReadNormalizer(step, path, $"{field}.normalizers[{index++}]", forms);
                }
                break;
            default:
                throw Invalid(path, $"{field}.type", $"is \"{type}\"; only NFC, NFD, NFKC, NFKD and Sequence normalizers are supported");
        }
    }

    private static void ReadPreTokenizer(JsonElement preTokenizer, string path, string field, List<CodePointRegexSplitter> splits, ref bool byteLevel)
    {
        string type = Required(preTokenizer, "type", JsonValueKind.String, path, $"{field}.type").GetString()!;
        switch (type)
        {
            case "Sequence":
                int index = 0;
                foreach (JsonElement step in Required(preTokenizer, "pretokenizers", JsonValueKind.Array, path, $"{field}.pretokenizers").EnumerateArray())
                {
                    ReadPreTokenizer(step, path, $"{field}.pretokenizers[{index++}]", splits, ref byteLevel);
                }
                break;
            case "Split":
                splits.Add(ReadSplit(preTokenizer, path, field));
                break;
            case "ByteLevel":
                // Hugging Face's defaults when a field is absent: add_prefix_space true, use_regex true.
                if (OptionalBool(preTokenizer, "add_prefix_space", path, $"{field}.add_prefix_space") ?? true)
                {
                    throw Invalid(path, $"{field}.add_prefix_space", "is true (or absent, which means true); only false is supported, as in Qwen2");
                }
                if (OptionalBool(preTokenizer, "use_regex", path, $"{field}.use_regex") ?? true)
                {
                    splits.Add(new CodePointRegexSplitter(Gpt2Pattern, path));
                }
                byteLevel = true;
                break;
            default:
                throw Invalid(path, $"{field}.type", $"is \"{type}\"; only Split, ByteLevel and Sequence pre-tokenizers are supported");
        }
    }

    private static CodePointRegexSplitter ReadSplit(JsonElement split, string path, string field)
    {
        string behavior = Required(split, "behavior", JsonValueKind.String, path, $"{field}.behavior").GetString()!;
        if (behavior != "Isolated")
        {
            throw Invalid(path, $"{field}.behavior", $"is \"{behavior}\"; only \"Isolated\" is supported");
        }
        if (OptionalBool(split, "invert", path, $"{field}.invert") == true)
        {
            throw Invalid(path, $"{field}.invert", "is true; only false is supported");
        }
        JsonElement pattern = Required(split, "pattern", JsonValueKind.Object, path, $"{field}.pattern");
        string regex = pattern.TryGetProperty("Regex", out JsonElement regexText) && regexText.ValueKind == JsonValueKind.String
            ? regexText.GetString()!
            : pattern.TryGetProperty("String", out JsonElement literal) && literal.ValueKind == JsonValueKind.String
                ? Regex.Escape(literal.GetString()!)
                : throw Invalid(path, $"{field}.pattern", "expected {\"Regex\": \"...\"} or {\"String\": \"...\"}");
        try
        {
            return new CodePointRegexSplitter(regex, path);
        }
        catch (ArgumentException e)
        {
            throw Invalid(path, $"{field}.pattern", $"is not a regex .NET can run ({e.Message})");
        }
    }

    private static void ReadDecoder(JsonElement root, string path)
    {
        if (root.TryGetProperty("decoder", out JsonElement decoder) && decoder.ValueKind != JsonValueKind.Null
            && Required(decoder, "type", JsonValueKind.String, path, "decoder.type").GetString() is var type and not "ByteLevel")
        {
            throw Invalid(path, "decoder.type", $"is \"{type}\"; only the ByteLevel decoder is supported");
        }
    }
}
