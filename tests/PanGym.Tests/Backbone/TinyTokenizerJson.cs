using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using PanGym.Backbone;

namespace PanGym.Tests.Backbone;

/// <summary>
/// Writes a small tokenizer in Qwen2's Hugging Face format (tokenizer.json + tokenizer_config.json): byte-level BPE
/// with Qwen2's normalizer (NFC), pre-tokenizer (Split on <see cref="Qwen2SplitPattern"/>, then ByteLevel), the 256
/// byte tokens in GPT-2's order, merges learned here on <see cref="Corpus"/>, and Qwen's added special tokens. Tests
/// that need a tokenizer or a tiny Qwen2 checkpoint folder use it instead of downloading one.
/// </summary>
internal static class TinyTokenizerJson
{
    /// <summary>Qwen2's pre-tokenizer regex, as in its tokenizer.json.</summary>
    public const string Qwen2SplitPattern =
        @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    /// <summary>Qwen's added special tokens, given the ids right after the merges.</summary>
    public static readonly string[] SpecialTokens = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"];

    /// <summary>Qwen2-Instruct's chat_template, written into tokenizer_config.json.</summary>
    public const string Qwen2ChatTemplate =
        "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\\nYou are a helpful assistant.<|im_end|>\\n' }}{% endif %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    /// <summary>The English text the merges are learned on: action captions of a toy world and some plain prose.</summary>
    public const string Corpus = """
        move the red circle left. move the red circle right. move the blue square up. move the blue square down.
        push the green triangle to the left wall. the ball bounces off the right wall and keeps moving.
        rotate the yellow square by ninety degrees. the red circle stays where it is. stop the ball.
        the agent moves the box to the goal. the box slides across the floor and stops near the goal.
        The robot picks up the red block and places it on top of the blue block. Then it waits.
        It's a small world with a few objects, and they don't move unless something pushes them.
        When the wind blows, the leaves move to the left; when it stops, they fall to the ground.
        The camera pans to the right and the scene shifts. A car drives down the street at night.
        She opens the door, walks into the room and turns on the light. The cat jumps onto the table.
        We'll see what the model predicts for the next frame, and whether it's moving the right way.
        A world model imagines what happens next: given the frames so far and an action, it predicts the next frame.
        Planning means trying many actions in imagination and choosing the one whose outcome is closest to the goal.
        The river flows past the old mill, and children throw stones into the water to watch the ripples spread.
        Clouds gather over the mountains in the afternoon, and by evening the first drops of rain begin to fall.
        You're holding the cup too close to the edge of the table; if you knock it, it'll fall and break.
        The player jumps over the gap, lands on the platform and collects the coin before the timer runs out.
        """;

    /// <summary>Qwen2-VL's vision special tokens, which follow Qwen's added tokens in a Qwen2.5-VL tokenizer.</summary>
    public static readonly string[] VisionTokens = ["<|vision_start|>", "<|vision_end|>", "<|vision_pad|>", "<|image_pad|>", "<|video_pad|>"];

    /// <summary>Writes tokenizer.json and tokenizer_config.json into <paramref name="folder"/> (created if needed).</summary>
    /// <param name="folder">Where to write.</param>
    /// <param name="mergeCount">How many merges to learn (fewer when the corpus runs out of pairs).</param>
    /// <param name="extraSpecialTokens">Added tokens after Qwen's three (for example <see cref="VisionTokens"/>).</param>
    public static void Write(string folder, int mergeCount = 300, IReadOnlyList<string>? extraSpecialTokens = null)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, HuggingFaceTokenizer.TokenizerFileName), BuildTokenizerJson(mergeCount, extraSpecialTokens));
        File.WriteAllText(Path.Combine(folder, HuggingFaceTokenizer.ConfigFileName), BuildConfigJson());
    }

    /// <summary>The text of tokenizer.json, merges written as "a b" strings as in Qwen2's file.</summary>
    public static string BuildTokenizerJson(int mergeCount = 300, IReadOnlyList<string>? extraSpecialTokens = null)
    {
        (Dictionary<string, int> vocab, List<(string Left, string Right)> merges) = Train(mergeCount);
        var byteLevel = new { type = "ByteLevel", add_prefix_space = false, trim_offsets = false, use_regex = false };
        var document = new
        {
            version = "1.0",
            truncation = (object?)null,
            padding = (object?)null,
            added_tokens = SpecialTokens.Concat(extraSpecialTokens ?? []).Select((token, index) => new
            {
                id = vocab.Count + index, content = token, single_word = false, lstrip = false, rstrip = false, normalized = false, special = true,
            }),
            normalizer = new { type = "NFC" },
            pre_tokenizer = new
            {
                type = "Sequence",
                pretokenizers = new object[]
                {
                    new { type = "Split", pattern = new { Regex = Qwen2SplitPattern }, behavior = "Isolated", invert = false },
                    byteLevel,
                },
            },
            post_processor = byteLevel,
            decoder = byteLevel,
            model = new
            {
                type = "BPE", dropout = (object?)null, unk_token = (object?)null, continuing_subword_prefix = "", end_of_word_suffix = "",
                fuse_unk = false, byte_fallback = false, ignore_merges = false,
                vocab,
                merges = merges.Select(merge => $"{merge.Left} {merge.Right}"),
            },
        };
        return JsonSerializer.Serialize(document, JsonOptions);
    }

    /// <summary>The text of tokenizer_config.json, shaped like Qwen2-Instruct's.</summary>
    public static string BuildConfigJson() => JsonSerializer.Serialize(new
    {
        bos_token = (object?)null,
        chat_template = Qwen2ChatTemplate,
        clean_up_tokenization_spaces = false,
        eos_token = "<|im_end|>",
        errors = "replace",
        model_max_length = 32768,
        pad_token = "<|endoftext|>",
        split_special_tokens = false,
        tokenizer_class = "Qwen2Tokenizer",
        unk_token = (object?)null,
    }, JsonOptions);

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Byte-level BPE training: count adjacent pairs over the corpus' pieces, merge the most frequent (ties: first in ordinal order), repeat.</summary>
    private static (Dictionary<string, int> Vocab, List<(string Left, string Right)> Merges) Train(int mergeCount)
    {
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (char byteChar in ByteLevelAlphabet.VocabularyOrder)
        {
            vocab[byteChar.ToString()] = vocab.Count;
        }

        var words = Regex.Matches(Corpus, Qwen2SplitPattern)
            .GroupBy(match => ByteLevelAlphabet.Encode(match.Value))
            .Select(group => (Symbols: group.Key.Select(c => c.ToString()).ToList(), Count: group.Count()))
            .ToList();

        var merges = new List<(string Left, string Right)>();
        while (merges.Count < mergeCount)
        {
            var pairCounts = new Dictionary<(string Left, string Right), int>();
            foreach ((List<string> symbols, int count) in words)
            {
                for (int i = 0; i + 1 < symbols.Count; i++)
                {
                    pairCounts[(symbols[i], symbols[i + 1])] = pairCounts.GetValueOrDefault((symbols[i], symbols[i + 1])) + count;
                }
            }
            if (pairCounts.Count == 0)
            {
                break;
            }
            (string left, string right) = pairCounts
                .OrderByDescending(entry => entry.Value)
                .ThenBy(entry => entry.Key.Left, StringComparer.Ordinal)
                .ThenBy(entry => entry.Key.Right, StringComparer.Ordinal)
                .First().Key;
            merges.Add((left, right));
            vocab.TryAdd(left + right, vocab.Count);
            foreach ((List<string> symbols, _) in words)
            {
                for (int i = 0; i + 1 < symbols.Count; i++)
                {
                    if (symbols[i] == left && symbols[i + 1] == right)
                    {
                        symbols[i] = left + right;
                        symbols.RemoveAt(i + 1);
                    }
                }
            }
        }
        return (vocab, merges);
    }
}
