using System.Text.Json;
using System.Text.Json.Nodes;
using static PanGym.Backbone.Qwen2ConfigJson;

namespace PanGym.Backbone.Qwen25VL;

/// <summary>
/// Maps <see cref="Qwen25VLConfig"/> to and from Hugging Face's <c>config.json</c>. The language model's fields are
/// read by <see cref="Qwen2ConfigJson.ReadArchitecture"/> from the top level overlaid with <c>text_config</c> when there
/// is one (transformers ≥ 4.52 nests them there and keeps some, such as <c>torch_dtype</c>, at the top); the rope type
/// may be "mrope" (transformers reads it as "default" plus <c>mrope_section</c>). Missing vision fields take
/// transformers' defaults.
/// </summary>
internal static class Qwen25VLConfigJson
{
    private const string TextConfigField = "text_config";
    private const string VisionConfigField = "vision_config";

    public static Qwen25VLConfig Read(JsonElement root)
    {
        var modelType = OptionalString(root, "model_type")
            ?? throw new FormatException($"config.json has no \"model_type\"; expected \"{Qwen25VLConfig.ModelType}\".");
        if (modelType != Qwen25VLConfig.ModelType)
            throw new FormatException($"Unsupported model_type \"{modelType}\": this backbone implements \"{Qwen25VLConfig.ModelType}\" (Qwen2.5-VL checkpoints).");
        if (!root.TryGetProperty(VisionConfigField, out var vision) || vision.ValueKind != JsonValueKind.Object)
            throw new FormatException($"config.json has no \"{VisionConfigField}\" object.");

        using var textDocument = JsonDocument.Parse(TextFields(root).ToJsonString());
        var textRoot = textDocument.RootElement;
        try
        {
            var text = ReadArchitecture(textRoot, multimodalRope: true);
            return new Qwen25VLConfig(
                text,
                ReadVision(vision),
                ReadMropeSection(textRoot),
                imageTokenId: OptionalInt(root, "image_token_id") ?? OptionalInt(textRoot, "image_token_id") ?? 151655,
                videoTokenId: OptionalInt(root, "video_token_id") ?? OptionalInt(textRoot, "video_token_id") ?? 151656,
                visionStartTokenId: OptionalInt(root, "vision_start_token_id") ?? OptionalInt(textRoot, "vision_start_token_id") ?? 151652,
                visionEndTokenId: OptionalInt(root, "vision_end_token_id") ?? OptionalInt(textRoot, "vision_end_token_id") ?? 151653);
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"Invalid Qwen2.5-VL config: {e.Message}", e);
        }
    }

    public static string Write(Qwen25VLConfig config)
    {
        var root = JsonNode.Parse(Qwen2ConfigJson.Write(config.Text))!.AsObject();
        root["architectures"] = new JsonArray("Qwen2_5_VLForConditionalGeneration");
        root["model_type"] = Qwen25VLConfig.ModelType;
        root["rope_scaling"] = new JsonObject
        {
            ["type"] = "mrope",
            ["mrope_section"] = new JsonArray(config.MropeSection.Select(section => (JsonNode)section).ToArray()),
        };
        root["image_token_id"] = config.ImageTokenId;
        root["video_token_id"] = config.VideoTokenId;
        root["vision_start_token_id"] = config.VisionStartTokenId;
        root["vision_end_token_id"] = config.VisionEndTokenId;
        var vision = config.Vision;
        root[VisionConfigField] = new JsonObject
        {
            ["depth"] = vision.Depth,
            ["hidden_act"] = "silu",
            ["hidden_size"] = vision.HiddenSize,
            ["intermediate_size"] = vision.IntermediateSize,
            ["num_heads"] = vision.NumHeads,
            ["in_chans"] = vision.InChannels,
            ["out_hidden_size"] = vision.OutHiddenSize,
            ["patch_size"] = vision.PatchSize,
            ["spatial_merge_size"] = vision.SpatialMergeSize,
            ["spatial_patch_size"] = vision.PatchSize,
            ["window_size"] = vision.WindowSize,
            ["fullatt_block_indexes"] = new JsonArray(vision.FullAttentionBlockIndexes.Select(index => (JsonNode)index).ToArray()),
            ["tokens_per_second"] = vision.TokensPerSecond,
            ["temporal_patch_size"] = vision.TemporalPatchSize,
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    /// <summary>The top-level fields (without the sub-configs) with <c>text_config</c>'s laid over them.</summary>
    private static JsonObject TextFields(JsonElement root)
    {
        var merged = new JsonObject();
        foreach (var property in root.EnumerateObject())
        {
            if (property.Name is not (TextConfigField or VisionConfigField)) merged[property.Name] = JsonNode.Parse(property.Value.GetRawText());
        }
        if (root.TryGetProperty(TextConfigField, out var text) && text.ValueKind != JsonValueKind.Null)
        {
            if (text.ValueKind != JsonValueKind.Object) throw new FormatException($"\"{TextConfigField}\" must be an object, got {text.GetRawText()}.");
            foreach (var property in text.EnumerateObject()) merged[property.Name] = JsonNode.Parse(property.Value.GetRawText());
        }
        return merged;
    }

    private static Qwen25VLVisionConfig ReadVision(JsonElement vision)
    {
        var hiddenAct = OptionalString(vision, "hidden_act") ?? "silu";
        if (hiddenAct != "silu")
            throw new FormatException($"Unsupported vision_config.hidden_act \"{hiddenAct}\": the vision tower implements \"silu\" (Qwen2.5-VL's).");
        return new Qwen25VLVisionConfig(
            depth: OptionalInt(vision, "depth") ?? 32,
            hiddenSize: OptionalInt(vision, "hidden_size") ?? 3584,
            intermediateSize: OptionalInt(vision, "intermediate_size") ?? 3420,
            numHeads: OptionalInt(vision, "num_heads") ?? 16,
            outHiddenSize: OptionalInt(vision, "out_hidden_size") ?? 3584,
            patchSize: OptionalInt(vision, "patch_size") ?? 14,
            spatialMergeSize: OptionalInt(vision, "spatial_merge_size") ?? 2,
            temporalPatchSize: OptionalInt(vision, "temporal_patch_size") ?? 2,
            windowSize: OptionalInt(vision, "window_size") ?? 112,
            fullAttentionBlockIndexes: ReadIntList(vision, "fullatt_block_indexes"),
            tokensPerSecond: OptionalInt(vision, "tokens_per_second") ?? 4,
            inChannels: OptionalInt(vision, "in_channels") ?? OptionalInt(vision, "in_chans") ?? 3);
    }

    /// <summary><c>mrope_section</c> from <c>rope_scaling</c> or <c>rope_parameters</c>; required, as transformers requires it.</summary>
    private static int[] ReadMropeSection(JsonElement text)
    {
        foreach (var field in new[] { "rope_scaling", "rope_parameters" })
        {
            if (text.TryGetProperty(field, out var rope) && rope.ValueKind == JsonValueKind.Object && ReadIntList(rope, "mrope_section") is { } section)
                return section;
        }
        throw new FormatException("config.json has no rope_scaling.mrope_section (the split of each head's rotary frequencies between time, height and width).");
    }

    private static int[]? ReadIntList(JsonElement element, string field)
    {
        if (!element.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.Array) throw new FormatException($"{field} must be a list of integers, got {value.GetRawText()}.");
        return value.EnumerateArray().Select(item => ToInt(field, item)).ToArray();
    }
}
