using System.Text;
using System.Text.Json;

namespace PanGym.Backbone;

/// <summary>
/// Maps <see cref="Qwen2Config"/> to and from Hugging Face's <c>config.json</c> (transformers' <c>Qwen2Config</c>,
/// both the legacy <c>rope_theta</c>/<c>rope_scaling</c> fields and the newer <c>rope_parameters</c>).
/// </summary>
internal static class Qwen2ConfigJson
{
    public static Qwen2Config Read(JsonElement root)
    {
        var modelType = OptionalString(root, "model_type")
            ?? throw new FormatException($"config.json has no \"model_type\"; expected \"{Qwen2Config.ModelType}\".");
        if (modelType != Qwen2Config.ModelType)
            throw new FormatException($"Unsupported model_type \"{modelType}\": this backbone implements \"{Qwen2Config.ModelType}\" (Qwen2 and Qwen2.5 checkpoints).");
        return ReadArchitecture(root, multimodalRope: false);
    }

    /// <summary>
    /// The decoder's fields without the <c>model_type</c> check, for a language model nested in another config
    /// (Qwen2.5-VL's); <paramref name="multimodalRope"/> also accepts the rope type "mrope" (its sections are the caller's).
    /// </summary>
    public static Qwen2Config ReadArchitecture(JsonElement root, bool multimodalRope)
    {
        var hiddenAct = OptionalString(root, "hidden_act") ?? "silu";
        if (hiddenAct != "silu")
            throw new FormatException($"Unsupported hidden_act \"{hiddenAct}\": only \"silu\" is implemented.");
        var attentionDropout = OptionalDouble(root, "attention_dropout") ?? 0.0;
        if (attentionDropout != 0.0)
            throw new FormatException($"Unsupported attention_dropout {attentionDropout}: only 0 is implemented.");
        if (OptionalBool(root, "use_sliding_window") == true)
            throw new FormatException("Unsupported use_sliding_window true: only full causal attention is implemented.");
        RejectSlidingLayerTypes(root);
        if (root.TryGetProperty("quantization_config", out var quantization) && quantization.ValueKind != JsonValueKind.Null)
            throw new FormatException($"Unsupported quantization_config {quantization.GetRawText()}: only float32/bfloat16/float16 weights are implemented.");
        var partialRotary = OptionalDouble(root, "partial_rotary_factor") ?? 1.0;
        if (partialRotary != 1.0)
            throw new FormatException($"Unsupported partial_rotary_factor {partialRotary}: only 1 is implemented.");

        var ropeTheta = ReadRopeTheta(root, multimodalRope);
        var dtypeName = OptionalString(root, "torch_dtype") ?? OptionalString(root, "dtype");
        try
        {
            return new Qwen2Config(
                vocabSize: RequiredInt(root, "vocab_size"),
                hiddenSize: RequiredInt(root, "hidden_size"),
                intermediateSize: RequiredInt(root, "intermediate_size"),
                numHiddenLayers: RequiredInt(root, "num_hidden_layers"),
                numAttentionHeads: RequiredInt(root, "num_attention_heads"),
                numKeyValueHeads: OptionalInt(root, "num_key_value_heads"),
                headDim: OptionalInt(root, "head_dim"),
                maxPositionEmbeddings: OptionalInt(root, "max_position_embeddings") ?? 32768,
                ropeTheta: ropeTheta,
                rmsNormEps: OptionalDouble(root, "rms_norm_eps") ?? 1e-6,
                tieWordEmbeddings: OptionalBool(root, "tie_word_embeddings") ?? false,
                torchDtype: dtypeName is null ? TorchSharp.torch.ScalarType.Float32 : TorchDtypeNames.Parse(dtypeName),
                bosTokenId: OptionalInt(root, "bos_token_id"),
                eosTokenIds: ReadTokenIds(root, "eos_token_id"),
                padTokenId: OptionalInt(root, "pad_token_id"));
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"Invalid Qwen2 config: {e.Message}", e);
        }
    }

    public static string Write(Qwen2Config config)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("architectures");
            writer.WriteStringValue("Qwen2ForCausalLM");
            writer.WriteEndArray();
            writer.WriteString("model_type", Qwen2Config.ModelType);
            writer.WriteNumber("vocab_size", config.VocabSize);
            writer.WriteNumber("hidden_size", config.HiddenSize);
            writer.WriteNumber("intermediate_size", config.IntermediateSize);
            writer.WriteNumber("num_hidden_layers", config.NumHiddenLayers);
            writer.WriteNumber("num_attention_heads", config.NumAttentionHeads);
            writer.WriteNumber("num_key_value_heads", config.NumKeyValueHeads);
            if (config.HeadDim * config.NumAttentionHeads != config.HiddenSize)
                writer.WriteNumber("head_dim", config.HeadDim);
            writer.WriteString("hidden_act", "silu");
            writer.WriteNumber("max_position_embeddings", config.MaxPositionEmbeddings);
            writer.WriteNumber("max_window_layers", config.NumHiddenLayers);
            writer.WriteNumber("rope_theta", config.RopeTheta);
            writer.WriteNull("rope_scaling");
            writer.WriteNumber("rms_norm_eps", config.RmsNormEps);
            writer.WriteBoolean("tie_word_embeddings", config.TieWordEmbeddings);
            writer.WriteString("torch_dtype", TorchDtypeNames.ToName(config.TorchDtype));
            WriteOptionalInt(writer, "bos_token_id", config.BosTokenId);
            switch (config.EosTokenIds.Count)
            {
                case 0:
                    writer.WriteNull("eos_token_id");
                    break;
                case 1:
                    writer.WriteNumber("eos_token_id", config.EosTokenIds[0]);
                    break;
                default:
                    writer.WriteStartArray("eos_token_id");
                    foreach (var id in config.EosTokenIds) writer.WriteNumberValue(id);
                    writer.WriteEndArray();
                    break;
            }
            if (config.PadTokenId is { } pad) writer.WriteNumber("pad_token_id", pad);
            writer.WriteNumber("attention_dropout", 0.0);
            writer.WriteBoolean("use_sliding_window", false);
            writer.WriteNull("sliding_window");
            writer.WriteBoolean("use_cache", true);
            writer.WriteNumber("initializer_range", 0.02);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    /// <summary>
    /// θ comes from <c>rope_parameters.rope_theta</c> (transformers ≥ 5) or <c>rope_theta</c>; any rope type other than
    /// "default" (linear, dynamic, yarn, longrope, llama3, …) changes the frequencies and is refused.
    /// </summary>
    private static double ReadRopeTheta(JsonElement root, bool multimodalRope)
    {
        double? theta = OptionalDouble(root, "rope_theta");
        foreach (var field in new[] { "rope_scaling", "rope_parameters" })
        {
            if (!root.TryGetProperty(field, out var rope) || rope.ValueKind == JsonValueKind.Null) continue;
            if (rope.ValueKind != JsonValueKind.Object)
                throw new FormatException($"Unsupported {field} {rope.GetRawText()}: expected null or an object.");
            var ropeType = OptionalString(rope, "rope_type") ?? OptionalString(rope, "type") ?? "default";
            if (ropeType != "default" && !(multimodalRope && ropeType == "mrope"))
                throw new FormatException($"Unsupported {field} with rope type \"{ropeType}\" ({rope.GetRawText()}): only plain rotary embeddings (rope_scaling null) are implemented.");
            if (OptionalDouble(rope, "rope_theta") is { } nested) theta = nested;
        }
        return theta ?? 10000.0;
    }

    private static void RejectSlidingLayerTypes(JsonElement root)
    {
        if (!root.TryGetProperty("layer_types", out var layerTypes) || layerTypes.ValueKind == JsonValueKind.Null) return;
        if (layerTypes.ValueKind != JsonValueKind.Array)
            throw new FormatException($"layer_types must be a list, got {layerTypes.GetRawText()}.");
        var index = 0;
        foreach (var layerType in layerTypes.EnumerateArray())
        {
            if (layerType.ValueKind != JsonValueKind.String || layerType.GetString() != "full_attention")
                throw new FormatException($"Unsupported layer_types[{index}] {layerType.GetRawText()}: only \"full_attention\" is implemented.");
            index++;
        }
    }

    public static IReadOnlyList<int> ReadTokenIds(JsonElement root, string field)
    {
        if (!root.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null) return [];
        if (value.ValueKind == JsonValueKind.Number) return [ToInt(field, value)];
        if (value.ValueKind == JsonValueKind.Array) return value.EnumerateArray().Select(item => ToInt(field, item)).ToArray();
        throw new FormatException($"{field} must be a number or a list of numbers, got {value.GetRawText()}.");
    }

    public static int RequiredInt(JsonElement root, string field) =>
        OptionalInt(root, field) ?? throw new FormatException($"config.json has no \"{field}\".");

    public static int? OptionalInt(JsonElement root, string field) =>
        root.TryGetProperty(field, out var value) && value.ValueKind != JsonValueKind.Null ? ToInt(field, value) : null;

    public static int ToInt(string field, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)) return number;
        throw new FormatException($"{field} must be an integer, got {value.GetRawText()}.");
    }

    public static double? OptionalDouble(JsonElement root, string field)
    {
        if (!root.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind == JsonValueKind.Number) return value.GetDouble();
        throw new FormatException($"{field} must be a number, got {value.GetRawText()}.");
    }

    public static bool? OptionalBool(JsonElement root, string field)
    {
        if (!root.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False) return value.GetBoolean();
        throw new FormatException($"{field} must be true or false, got {value.GetRawText()}.");
    }

    public static string? OptionalString(JsonElement root, string field)
    {
        if (!root.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind == JsonValueKind.String) return value.GetString();
        throw new FormatException($"{field} must be a string, got {value.GetRawText()}.");
    }

    private static void WriteOptionalInt(Utf8JsonWriter writer, string field, int? value)
    {
        if (value is { } number) writer.WriteNumber(field, number);
        else writer.WriteNull(field);
    }
}
