using System.Text.Json;
using PanGym.Backbone.ImageProcessing;
using static TorchSharp.torch;

namespace PanGym.Backbone.Qwen25VL;

/// <summary>
/// Loads Qwen2.5-VL models from Hugging Face folders: <c>config.json</c> (classic or <c>text_config</c> layout),
/// <c>preprocessor_config.json</c>, the weights as one <c>model.safetensors</c> or as shards listed by
/// <c>model.safetensors.index.json</c> in either tensor-name layout (<see cref="Qwen25VLParameterLayout"/>), in any of
/// float32, bfloat16 and float16, and <c>tokenizer.json</c> (+ <c>tokenizer_config.json</c>) with the vision special
/// tokens.
/// </summary>
/// <remarks>
/// As with <see cref="Qwen2Checkpoint"/>, every header is checked before any weight is read: a missing, unexpected or
/// mis-shaped tensor fails the load with one error listing them all (names and shapes), and then tensors are copied one
/// at a time, so memory peaks at the model plus its largest tensor. A stored <c>lm_head.weight</c> with
/// <c>tie_word_embeddings</c> true must equal the embedding. Loading a 7B checkpoint in float32 needs about 33 GB.
/// </remarks>
public static class Qwen25VLCheckpoint
{
    private const string ClassicVisualPrefix = "visual.";
    private const string NestedVisualPrefix = "model.visual.";
    private const string NestedLanguagePrefix = "model.language_model.";

    /// <summary>Whether <paramref name="folder"/>'s config.json names a Qwen2.5-VL model (<c>model_type</c> "qwen2_5_vl").</summary>
    public static bool IsQwen25VLFolder(string folder)
    {
        var path = Path.Combine(folder, Qwen2Checkpoint.ConfigFileName);
        if (!File.Exists(path)) return false;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("model_type", out var modelType)
                && modelType.ValueKind == JsonValueKind.String && modelType.GetString() == Qwen25VLConfig.ModelType;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Loads the model, configuration, image processor and tokenizer of a Hugging Face Qwen2.5-VL folder.</summary>
    /// <param name="folder">The model folder.</param>
    /// <param name="dtype">Dtype to hold (and compute) the weights in; float32 when null, whatever <c>torch_dtype</c> says.</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">config.json, preprocessor_config.json or the weights are missing.</exception>
    /// <exception cref="FormatException">config.json or preprocessor_config.json is malformed or unsupported (names the field).</exception>
    /// <exception cref="InvalidDataException">Tensors are missing, unexpected or mis-shaped (lists them); the processor's
    /// patch sizes disagree with the vision config; or the tokenizer's vision tokens disagree with config.json.</exception>
    public static LoadedQwen25VLCheckpoint Load(string folder, ScalarType? dtype = null)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"Qwen2.5-VL checkpoint folder not found: {folder}");
        var config = Qwen25VLConfig.FromFile(Path.Combine(folder, Qwen2Checkpoint.ConfigFileName));
        var processor = new Qwen2VLImageProcessor(ReadProcessorConfig(folder, config.Vision));
        var tokenizer = ReadTokenizer(folder, config);

        using var weights = CheckpointWeightFiles.Open(folder);
        var layout = DetectLayout(weights);
        var model = new Qwen25VLModel(config, dtype, initialize: false);
        try
        {
            var parameters = model.named_parameters().ToDictionary(entry => CheckpointName(entry.name, layout), entry => entry.parameter);
            CheckpointTensors.Load(folder, parameters, weights, config.Text.TieWordEmbeddings ? EmbeddingName(layout) : null);
            model.eval();
            return new LoadedQwen25VLCheckpoint(model, config, processor, tokenizer, layout);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>The checkpoint's name for a module parameter of <see cref="Qwen25VLModel"/> in the given layout.</summary>
    public static string CheckpointName(string moduleName, Qwen25VLParameterLayout layout)
    {
        const string Visual = "visual.", Language = "language_model.", LanguageDecoder = "language_model.model.";
        if (moduleName.StartsWith(Visual, StringComparison.Ordinal))
            return layout == Qwen25VLParameterLayout.Classic ? moduleName : "model." + moduleName;
        if (moduleName.StartsWith(LanguageDecoder, StringComparison.Ordinal))
            return layout == Qwen25VLParameterLayout.Classic ? moduleName[Language.Length..] : NestedLanguagePrefix + moduleName[LanguageDecoder.Length..];
        if (moduleName.StartsWith(Language, StringComparison.Ordinal)) return moduleName[Language.Length..];
        throw new ArgumentException($"{moduleName} is not a parameter of {nameof(Qwen25VLModel)}.", nameof(moduleName));
    }

    private static string EmbeddingName(Qwen25VLParameterLayout layout) =>
        layout == Qwen25VLParameterLayout.Classic ? "model.embed_tokens.weight" : NestedLanguagePrefix + "embed_tokens.weight";

    private static Qwen2VLImageProcessorConfig ReadProcessorConfig(string folder, Qwen25VLVisionConfig vision)
    {
        var path = Path.Combine(folder, Qwen2VLImageProcessorConfig.FileName);
        if (!File.Exists(path))
            throw new FileNotFoundException(
                $"{folder} has no {Qwen2VLImageProcessorConfig.FileName}: a Qwen2.5-VL folder needs it for the image processor (min/max pixels, patch sizes, mean and std).", path);
        var processor = Qwen2VLImageProcessorConfig.FromFile(path);
        foreach (var (field, value, visionField, visionValue) in new[]
        {
            ("patch_size", processor.PatchSize, "patch_size", vision.PatchSize),
            ("merge_size", processor.MergeSize, "spatial_merge_size", vision.SpatialMergeSize),
            ("temporal_patch_size", processor.TemporalPatchSize, "temporal_patch_size", vision.TemporalPatchSize),
        })
        {
            if (value != visionValue)
                throw new InvalidInputException(path, $"{path}: {field} {value} disagrees with config.json's vision_config.{visionField} {visionValue}.");
        }
        return processor;
    }

    private static HuggingFaceTokenizer? ReadTokenizer(string folder, Qwen25VLConfig config)
    {
        var path = Path.Combine(folder, HuggingFaceTokenizer.TokenizerFileName);
        if (!File.Exists(path)) return null;
        var tokenizer = HuggingFaceTokenizer.FromFolder(folder);
        if (tokenizer.VocabSize > config.Text.VocabSize)
            throw new InvalidInputException(path, $"{path} has ids up to {tokenizer.VocabSize - 1}, beyond the model's vocab_size {config.Text.VocabSize}.");
        foreach (var (token, id) in new[]
        {
            ("<|vision_start|>", config.VisionStartTokenId), ("<|vision_end|>", config.VisionEndTokenId),
            ("<|image_pad|>", config.ImageTokenId), ("<|video_pad|>", config.VideoTokenId),
        })
        {
            var actual = tokenizer.TokenToId(token);
            if (actual != id)
                throw new InvalidInputException(path, actual is null
                    ? $"{path} lacks the vision token {token} (config.json gives it id {id})."
                    : $"{path} gives {token} id {actual}, but config.json says {id}.");
        }
        return tokenizer;
    }

    private static Qwen25VLParameterLayout DetectLayout(CheckpointWeightFiles weights)
    {
        bool nested = weights.FileOfTensor.Keys.Any(name => name.StartsWith(NestedVisualPrefix, StringComparison.Ordinal) || name.StartsWith(NestedLanguagePrefix, StringComparison.Ordinal));
        bool classic = weights.FileOfTensor.Keys.Any(name => name.StartsWith(ClassicVisualPrefix, StringComparison.Ordinal)
            || (name.StartsWith("model.", StringComparison.Ordinal) && !name.StartsWith(NestedVisualPrefix, StringComparison.Ordinal) && !name.StartsWith(NestedLanguagePrefix, StringComparison.Ordinal)));
        if (nested && classic)
            throw new InvalidDataException("The checkpoint mixes both tensor-name layouts (visual.* / model.* and model.visual.* / model.language_model.*).");
        return nested ? Qwen25VLParameterLayout.Nested : Qwen25VLParameterLayout.Classic;
    }

}
