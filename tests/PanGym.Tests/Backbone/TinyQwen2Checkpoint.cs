using System.Globalization;
using PanGym.Backbone;
using static TorchSharp.torch;
using PanGym.IO;

namespace PanGym.Tests.Backbone;

/// <summary>
/// Writes a tiny random Qwen2 checkpoint the way Hugging Face lays one out (config.json as transformers writes it,
/// model.safetensors with the standard tensor names, tokenizer.json + tokenizer_config.json), without going through
/// <see cref="Qwen2Checkpoint.Save"/>, so that loading is tested against an independent writer.
/// </summary>
internal static class TinyQwen2Checkpoint
{
    public const int VocabSize = 320;
    public const int Hidden = 32;
    public const int Intermediate = 64;
    public const int Layers = 2;
    public const int Heads = 4;
    public const int KvHeads = 2;
    public const int HeadDim = Hidden / Heads;

    /// <summary>config.json text in transformers' style (with fields Qwen2 ignores, as real checkpoints have).</summary>
    public static string ConfigJson(bool tied = false, string torchDtype = "float32", string modelType = "qwen2", string ropeScaling = "null") => $$"""
        {
          "architectures": ["Qwen2ForCausalLM"],
          "attention_dropout": 0.0,
          "bos_token_id": 0,
          "eos_token_id": 1,
          "hidden_act": "silu",
          "hidden_size": {{Hidden}},
          "initializer_range": 0.02,
          "intermediate_size": {{Intermediate}},
          "max_position_embeddings": 2048,
          "max_window_layers": {{Layers}},
          "model_type": "{{modelType}}",
          "num_attention_heads": {{Heads}},
          "num_hidden_layers": {{Layers}},
          "num_key_value_heads": {{KvHeads}},
          "rms_norm_eps": 1e-06,
          "rope_scaling": {{ropeScaling}},
          "rope_theta": 1000000.0,
          "sliding_window": 2048,
          "tie_word_embeddings": {{(tied ? "true" : "false")}},
          "torch_dtype": "{{torchDtype}}",
          "transformers_version": "4.43.1",
          "use_cache": true,
          "use_sliding_window": false,
          "vocab_size": {{VocabSize}}
        }
        """;

    /// <summary>Every tensor name and shape of the checkpoint, written out from the Hugging Face layout.</summary>
    public static List<(string Name, long[] Shape)> TensorShapes(bool tied) => LanguageModelShapes(VocabSize, Hidden, Intermediate, Layers, Heads, KvHeads, tied);

    /// <summary>The tensor names and shapes of a Qwen2 language model (<c>model.*</c>, <c>lm_head.weight</c> unless tied) of the given sizes.</summary>
    public static List<(string Name, long[] Shape)> LanguageModelShapes(int vocabSize, int hidden, int intermediate, int layers, int heads, int kvHeads, bool tied)
    {
        int headDim = hidden / heads;
        var shapes = new List<(string, long[])> { ("model.embed_tokens.weight", [vocabSize, hidden]) };
        for (var layer = 0; layer < layers; layer++)
        {
            var p = $"model.layers.{layer}.";
            shapes.Add((p + "self_attn.q_proj.weight", [heads * headDim, hidden]));
            shapes.Add((p + "self_attn.q_proj.bias", [heads * headDim]));
            shapes.Add((p + "self_attn.k_proj.weight", [kvHeads * headDim, hidden]));
            shapes.Add((p + "self_attn.k_proj.bias", [kvHeads * headDim]));
            shapes.Add((p + "self_attn.v_proj.weight", [kvHeads * headDim, hidden]));
            shapes.Add((p + "self_attn.v_proj.bias", [kvHeads * headDim]));
            shapes.Add((p + "self_attn.o_proj.weight", [hidden, heads * headDim]));
            shapes.Add((p + "mlp.gate_proj.weight", [intermediate, hidden]));
            shapes.Add((p + "mlp.up_proj.weight", [intermediate, hidden]));
            shapes.Add((p + "mlp.down_proj.weight", [hidden, intermediate]));
            shapes.Add((p + "input_layernorm.weight", [hidden]));
            shapes.Add((p + "post_attention_layernorm.weight", [hidden]));
        }
        shapes.Add(("model.norm.weight", [hidden]));
        if (!tied) shapes.Add(("lm_head.weight", [vocabSize, hidden]));
        return shapes;
    }

    /// <summary>Random tensors (kept outside any scope: the caller disposes them) for every name.</summary>
    public static Dictionary<string, Tensor> RandomTensors(bool tied, ScalarType dtype, long seed = 11)
    {
        var generator = new TorchSharp.torch.Generator((ulong)seed);
        var result = new Dictionary<string, Tensor>();
        foreach (var (name, shape) in TensorShapes(tied))
        {
            var scale = name.EndsWith("norm.weight", StringComparison.Ordinal) ? 0.1 : name.Contains("embed") ? 1.0 : 0.2;
            var offset = name.EndsWith("norm.weight", StringComparison.Ordinal) ? 1.0 : 0.0;
            result[name] = (randn(shape, generator: generator) * scale + offset).to(dtype).DetachFromDisposeScope();
        }
        return result;
    }

    /// <summary>Writes config.json, model.safetensors (from <paramref name="tensors"/>) and the tiny tokenizer into <paramref name="folder"/>.</summary>
    public static void Write(string folder, IReadOnlyDictionary<string, Tensor> tensors, string configJson)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "config.json"), configJson);
        SafetensorsWriter.Save(Path.Combine(folder, "model.safetensors"), tensors, new Dictionary<string, string> { ["format"] = "pt" });
        TinyTokenizerJson.Write(folder, mergeCount: 50);
    }

    /// <summary>A fresh temporary folder path (not created).</summary>
    public static string TemporaryFolder() =>
        Path.Combine(Path.GetTempPath(), "pangym-qwen2-" + Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture));
}
