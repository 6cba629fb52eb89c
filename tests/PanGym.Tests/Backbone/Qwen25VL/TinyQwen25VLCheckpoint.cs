using System.Globalization;
using System.Text.Json;
using PanGym.Backbone;
using static TorchSharp.torch;
using PanGym.IO;

namespace PanGym.Tests.Backbone.Qwen25VL;

/// <summary>
/// Writes a tiny random Qwen2.5-VL checkpoint the way Hugging Face lays one out, with its own writer (not the library's):
/// config.json in the classic layout (text fields at the top, <c>vision_config</c> beside them, <c>rope_scaling</c>
/// with type "mrope") or in transformers ≥ 4.52's (<c>text_config</c>), tensors named in the classic layout
/// (<c>visual.*</c>, <c>model.*</c>) or the nested one (<c>model.visual.*</c>, <c>model.language_model.*</c>), in one
/// file or two shards with an index, tokenizer.json with the vision special tokens, and preprocessor_config.json.
/// </summary>
internal static class TinyQwen25VLCheckpoint
{
    public const int VocabSize = 320;
    public const int Hidden = 64;
    public const int Intermediate = 96;
    public const int Layers = 2;
    public const int Heads = 4;
    public const int KvHeads = 2;
    public const double RopeTheta = 10000.0;
    public static readonly int[] MropeSection = [2, 3, 3];

    public const int VisionDepth = 3;
    public const int VisionHidden = 32;
    public const int VisionIntermediate = 48;
    public const int VisionHeads = 2;
    public const int PatchSize = 2;
    public const int MergeSize = 2;
    public const int TemporalPatchSize = 2;
    public const int WindowSize = 8;
    public static readonly int[] FullAttentionBlocks = [1];

    public const int MinPixels = 64;
    public const int MaxPixels = 576;
    public static readonly double[] ImageMean = [0.48145466, 0.4578275, 0.40821073];
    public static readonly double[] ImageStd = [0.26862954, 0.26130258, 0.27577711];

    /// <summary>Values per patch row: 3 channels × temporal patch × patch².</summary>
    public const int PatchRowWidth = 3 * TemporalPatchSize * PatchSize * PatchSize;

    /// <summary>The special-token ids of the tiny tokenizer (Qwen's three, then the vision tokens).</summary>
    public static IReadOnlyDictionary<string, int> SpecialTokenIds { get; } = ReadSpecialTokenIds();

    public static int ImageTokenId => SpecialTokenIds["<|image_pad|>"];
    public static int VisionStartTokenId => SpecialTokenIds["<|vision_start|>"];
    public static int VisionEndTokenId => SpecialTokenIds["<|vision_end|>"];
    public static int VideoTokenId => SpecialTokenIds["<|video_pad|>"];

    /// <summary>The vision_config object's JSON (with the older <c>in_chans</c> name, as Qwen's released files have it).</summary>
    public static string VisionConfigJson(string hiddenAct = "silu", string fullAttention = "[1]") => $$"""
        {
          "depth": {{VisionDepth}},
          "hidden_act": "{{hiddenAct}}",
          "hidden_size": {{VisionHidden}},
          "intermediate_size": {{VisionIntermediate}},
          "num_heads": {{VisionHeads}},
          "in_chans": 3,
          "out_hidden_size": {{Hidden}},
          "patch_size": {{PatchSize}},
          "spatial_merge_size": {{MergeSize}},
          "spatial_patch_size": {{PatchSize}},
          "window_size": {{WindowSize}},
          "fullatt_block_indexes": {{fullAttention}},
          "tokens_per_second": 2,
          "temporal_patch_size": {{TemporalPatchSize}}
        }
        """;

    /// <summary>The language model's fields, as both layouts write them (the classic one at the top level).</summary>
    private static string TextFields(bool tied, string torchDtype, string ropeScaling) => $$"""
          "attention_dropout": 0.0,
          "bos_token_id": 0,
          "eos_token_id": {{SpecialTokenIds["<|im_end|>"]}},
          "hidden_act": "silu",
          "hidden_size": {{Hidden}},
          "initializer_range": 0.02,
          "intermediate_size": {{Intermediate}},
          "max_position_embeddings": 4096,
          "max_window_layers": {{Layers}},
          "num_attention_heads": {{Heads}},
          "num_hidden_layers": {{Layers}},
          "num_key_value_heads": {{KvHeads}},
          "rms_norm_eps": 1e-06,
          "rope_theta": {{RopeTheta.ToString("0.0", CultureInfo.InvariantCulture)}},
          "sliding_window": 4096,
          "tie_word_embeddings": {{(tied ? "true" : "false")}},
          "torch_dtype": "{{torchDtype}}",
          "use_cache": true,
          "use_sliding_window": false,
          "vocab_size": {{VocabSize}},
          "rope_scaling": {{ropeScaling}}
        """;

    /// <summary>config.json in the classic layout of Qwen's released checkpoints.</summary>
    public static string ClassicConfigJson(bool tied = false, string torchDtype = "float32", string? visionConfig = null,
        string ropeScaling = """{"type": "mrope", "mrope_section": [2, 3, 3]}""") => $$"""
        {
          "architectures": ["Qwen2_5_VLForConditionalGeneration"],
          "model_type": "qwen2_5_vl",
        {{TextFields(tied, torchDtype, ropeScaling)}},
          "vision_start_token_id": {{VisionStartTokenId}},
          "vision_end_token_id": {{VisionEndTokenId}},
          "vision_token_id": {{SpecialTokenIds["<|vision_pad|>"]}},
          "image_token_id": {{ImageTokenId}},
          "video_token_id": {{VideoTokenId}},
          "transformers_version": "4.41.2",
          "vision_config": {{visionConfig ?? VisionConfigJson()}}
        }
        """;

    /// <summary>config.json as transformers ≥ 4.52 saves it: the text fields nested in text_config, dtype and ids at the top.</summary>
    public static string NestedConfigJson(bool tied = false, string torchDtype = "float32") => $$"""
        {
          "architectures": ["Qwen2_5_VLForConditionalGeneration"],
          "model_type": "qwen2_5_vl",
          "image_token_id": {{ImageTokenId}},
          "video_token_id": {{VideoTokenId}},
          "vision_start_token_id": {{VisionStartTokenId}},
          "vision_end_token_id": {{VisionEndTokenId}},
          "torch_dtype": "{{torchDtype}}",
          "tie_word_embeddings": {{(tied ? "true" : "false")}},
          "transformers_version": "4.53.0",
          "text_config": {
            "model_type": "qwen2_5_vl_text",
            "layer_types": ["full_attention", "full_attention"],
        {{TextFields(tied, torchDtype, """{"mrope_section": [2, 3, 3], "rope_type": "default", "type": "default"}""")}}
          },
          "vision_config": {{VisionConfigJson()}}
        }
        """;

    /// <summary>The same language model's config.json as a text-only Qwen2 checkpoint.</summary>
    public static string TextOnlyQwen2ConfigJson(bool tied = false) => $$"""
        {
          "architectures": ["Qwen2ForCausalLM"],
          "model_type": "qwen2",
        {{TextFields(tied, "float32", "null")}}
        }
        """;

    /// <summary>preprocessor_config.json as Qwen2.5-VL ships it (min/max pixels at the top level).</summary>
    public static string PreprocessorConfigJson(int patchSize = PatchSize, int maxPixels = MaxPixels) => $$"""
        {
          "min_pixels": {{MinPixels}},
          "max_pixels": {{maxPixels}},
          "patch_size": {{patchSize}},
          "temporal_patch_size": {{TemporalPatchSize}},
          "merge_size": {{MergeSize}},
          "image_mean": [0.48145466, 0.4578275, 0.40821073],
          "image_std": [0.26862954, 0.26130258, 0.27577711],
          "image_processor_type": "Qwen2VLImageProcessor",
          "processor_class": "Qwen2_5_VLProcessor"
        }
        """;

    /// <summary>Every tensor of the checkpoint by classic name, with its shape.</summary>
    public static List<(string Name, long[] Shape)> TensorShapes(bool tied)
    {
        var shapes = new List<(string, long[])> { ("visual.patch_embed.proj.weight", [VisionHidden, 3, TemporalPatchSize, PatchSize, PatchSize]) };
        for (int block = 0; block < VisionDepth; block++)
        {
            var p = $"visual.blocks.{block}.";
            shapes.Add((p + "norm1.weight", [VisionHidden]));
            shapes.Add((p + "norm2.weight", [VisionHidden]));
            shapes.Add((p + "attn.qkv.weight", [3 * VisionHidden, VisionHidden]));
            shapes.Add((p + "attn.qkv.bias", [3 * VisionHidden]));
            shapes.Add((p + "attn.proj.weight", [VisionHidden, VisionHidden]));
            shapes.Add((p + "attn.proj.bias", [VisionHidden]));
            shapes.Add((p + "mlp.gate_proj.weight", [VisionIntermediate, VisionHidden]));
            shapes.Add((p + "mlp.gate_proj.bias", [VisionIntermediate]));
            shapes.Add((p + "mlp.up_proj.weight", [VisionIntermediate, VisionHidden]));
            shapes.Add((p + "mlp.up_proj.bias", [VisionIntermediate]));
            shapes.Add((p + "mlp.down_proj.weight", [VisionHidden, VisionIntermediate]));
            shapes.Add((p + "mlp.down_proj.bias", [VisionHidden]));
        }
        int merged = VisionHidden * MergeSize * MergeSize;
        shapes.Add(("visual.merger.ln_q.weight", [VisionHidden]));
        shapes.Add(("visual.merger.mlp.0.weight", [merged, merged]));
        shapes.Add(("visual.merger.mlp.0.bias", [merged]));
        shapes.Add(("visual.merger.mlp.2.weight", [Hidden, merged]));
        shapes.Add(("visual.merger.mlp.2.bias", [Hidden]));

        shapes.AddRange(TinyQwen2Checkpoint.LanguageModelShapes(VocabSize, Hidden, Intermediate, Layers, Heads, KvHeads, tied));
        return shapes;
    }

    /// <summary>Random tensors by classic name (outside any scope: the caller disposes them). Norm weights near 1, embeddings of scale 1.</summary>
    public static Dictionary<string, Tensor> RandomTensors(bool tied, ScalarType dtype, long seed = 21)
    {
        var generator = new Generator((ulong)seed);
        var result = new Dictionary<string, Tensor>();
        foreach (var (name, shape) in TensorShapes(tied))
        {
            bool norm = name.EndsWith("norm.weight", StringComparison.Ordinal) || name.EndsWith("norm1.weight", StringComparison.Ordinal)
                || name.EndsWith("norm2.weight", StringComparison.Ordinal) || name.EndsWith("ln_q.weight", StringComparison.Ordinal);
            double scale = norm ? 0.1 : name.Contains("embed_tokens", StringComparison.Ordinal) ? 1.0 : name.Contains("patch_embed", StringComparison.Ordinal) ? 0.3 : 0.2;
            result[name] = (randn(shape, generator: generator) * scale + (norm ? 1.0 : 0.0)).to(dtype).DetachFromDisposeScope();
        }
        return result;
    }

    /// <summary>A classic tensor name in the nested layout of transformers ≥ 4.52.</summary>
    public static string NestedName(string classicName) =>
        classicName.StartsWith("visual.", StringComparison.Ordinal) ? "model." + classicName
        : classicName.StartsWith("model.", StringComparison.Ordinal) ? "model.language_model." + classicName["model.".Length..]
        : classicName;

    /// <summary>Writes config.json, the weights (renamed to the nested layout and/or split in two shards when asked), the tokenizer and preprocessor_config.json.</summary>
    public static void Write(string folder, IReadOnlyDictionary<string, Tensor> tensors, string configJson, bool nestedNames = false, bool sharded = false,
        bool withPreprocessor = true)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "config.json"), configJson);
        TinyTokenizerJson.Write(folder, mergeCount: 50, extraSpecialTokens: TinyTokenizerJson.VisionTokens);
        if (withPreprocessor) File.WriteAllText(Path.Combine(folder, "preprocessor_config.json"), PreprocessorConfigJson());
        var named = tensors.Select(entry => KeyValuePair.Create(nestedNames ? NestedName(entry.Key) : entry.Key, entry.Value)).ToList();
        var metadata = new Dictionary<string, string> { ["format"] = "pt" };
        if (!sharded)
        {
            SafetensorsWriter.Save(Path.Combine(folder, "model.safetensors"), named, metadata);
            return;
        }
        var halves = new[] { named.Take(named.Count / 2).ToList(), named.Skip(named.Count / 2).ToList() };
        var weightMap = new SortedDictionary<string, string>(StringComparer.Ordinal);
        for (int shard = 0; shard < 2; shard++)
        {
            var file = $"model-0000{shard + 1}-of-00002.safetensors";
            SafetensorsWriter.Save(Path.Combine(folder, file), halves[shard], metadata);
            foreach (var (name, _) in halves[shard]) weightMap[name] = file;
        }
        File.WriteAllText(Path.Combine(folder, "model.safetensors.index.json"),
            JsonSerializer.Serialize(new { metadata = new { total_size = 0 }, weight_map = weightMap }));
    }

    /// <summary>A fresh temporary folder path (not created).</summary>
    public static string TemporaryFolder() =>
        Path.Combine(Path.GetTempPath(), "pangym-qwen25vl-" + Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture));

    /// <summary>Copies a tensor's values into a double array (for the naive reference).</summary>
    public static double[] Values(Tensor tensor)
    {
        using var asDouble = tensor.detach().to(ScalarType.Float64).contiguous();
        return asDouble.data<double>().ToArray();
    }

    private static IReadOnlyDictionary<string, int> ReadSpecialTokenIds()
    {
        using var document = JsonDocument.Parse(TinyTokenizerJson.BuildTokenizerJson(50, TinyTokenizerJson.VisionTokens));
        return document.RootElement.GetProperty("added_tokens").EnumerateArray()
            .ToDictionary(token => token.GetProperty("content").GetString()!, token => token.GetProperty("id").GetInt32());
    }
}
