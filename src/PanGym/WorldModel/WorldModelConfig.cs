using System.Text.Json;
using System.Text.Json.Nodes;
using PanGym.Backbone;
using PanGym.Backbone.Qwen25VL;

namespace PanGym.WorldModel;

/// <summary>
/// Everything that shapes a <see cref="PanWorldModel"/>: the encoder h, the LLM backbone and dynamics f, the decoder g, the
/// tokenizer of the action text, and the weight of the auxiliary latent loss. One code path at every size; the
/// presets differ only in numbers (<see cref="Tiny"/> for tests, <see cref="Small"/> for the CPU demo, <see cref="Pan"/>
/// paper-shaped on a pretrained Qwen2.5). Validated once, at construction.
/// </summary>
public sealed record WorldModelConfig
{
    /// <summary>The format name written into a checkpoint's config.</summary>
    public const string FormatName = "pangym-world-model";

    /// <summary>The config format version this code reads and writes.</summary>
    public const int FormatVersion = 1;

    /// <summary>Creates and validates a configuration.</summary>
    /// <param name="preset">A name for listings and checkpoints (tiny, small, pan, or your own).</param>
    /// <param name="encoder">Encoder sizes.</param>
    /// <param name="backbone">The backbone's architecture.</param>
    /// <param name="dynamics">Dynamics sizes and training mode.</param>
    /// <param name="decoder">Decoder sizes.</param>
    /// <param name="tokenizer"><see cref="ByteTokenizerName"/> for the byte tokenizer, or <see cref="HuggingFaceTokenizerName"/>
    /// for a tokenizer.json that travels with the weights.</param>
    /// <param name="latentLossWeight">Weight of the auxiliary latent loss (see <see cref="PanWorldModel.Loss"/>).</param>
    /// <param name="backboneFolder">For a pretrained backbone, the Hugging Face folder it is loaded from when the model is created.</param>
    /// <param name="visionLanguage">For PAN's own configuration, the Qwen2.5-VL architecture whose frozen vision tower is the
    /// encoder h and whose language model (<paramref name="backbone"/> = its text config) is the dynamics' backbone; then
    /// <paramref name="encoder"/> describes the tower's geometry (patch = patch × merge, N = (image / patch)² tokens).</param>
    public WorldModelConfig(string preset, EncoderConfig encoder, Qwen2Config backbone, LatentDynamicsConfig dynamics,
        FlowMatchingDecoderConfig decoder, string tokenizer = ByteTokenizerName, double latentLossWeight = 1.0, string? backboneFolder = null,
        Qwen25VLConfig? visionLanguage = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(preset);
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(backbone);
        ArgumentNullException.ThrowIfNull(dynamics);
        ArgumentNullException.ThrowIfNull(decoder);
        if (tokenizer is not (ByteTokenizerName or HuggingFaceTokenizerName))
            throw new ArgumentException($"Unknown tokenizer \"{tokenizer}\"; use \"{ByteTokenizerName}\" or \"{HuggingFaceTokenizerName}\".", nameof(tokenizer));
        if (encoder.LatentTokens != dynamics.LatentTokens || decoder.LatentTokens != dynamics.LatentTokens)
            throw new ArgumentException($"Latent token counts disagree: encoder {encoder.LatentTokens}, dynamics {dynamics.LatentTokens}, decoder {decoder.LatentTokens}.");
        if (encoder.LatentWidth != dynamics.LatentWidth || decoder.LatentWidth != dynamics.LatentWidth)
            throw new ArgumentException($"Latent widths disagree: encoder {encoder.LatentWidth}, dynamics {dynamics.LatentWidth}, decoder {decoder.LatentWidth}.");
        if (encoder.ImageSize != decoder.ImageSize)
            throw new ArgumentException($"Image sizes disagree: encoder {encoder.ImageSize}, decoder {decoder.ImageSize}.");
        if (tokenizer == ByteTokenizerName && backbone.VocabSize < new ByteTokenizer().VocabSize)
            throw new ArgumentException($"The byte tokenizer needs a vocabulary of at least {new ByteTokenizer().VocabSize}; the backbone has {backbone.VocabSize}.");
        if (!(latentLossWeight >= 0)) throw new ArgumentOutOfRangeException(nameof(latentLossWeight), latentLossWeight, "The latent loss weight must be non-negative.");
        if (visionLanguage is not null) CheckVisionLanguage(visionLanguage, encoder, backbone, tokenizer);
        (Preset, Encoder, Backbone, Dynamics, Decoder, Tokenizer, LatentLossWeight, BackboneFolder, VisionLanguage) =
            (preset, encoder, backbone, dynamics, decoder, tokenizer, latentLossWeight, backboneFolder, visionLanguage);
    }

    /// <summary>The vision tower must be the encoder the encoder config describes, and its language model the backbone.</summary>
    static void CheckVisionLanguage(Qwen25VLConfig visionLanguage, EncoderConfig encoder, Qwen2Config backbone, string tokenizer)
    {
        int factor = visionLanguage.Vision.PatchSize * visionLanguage.Vision.SpatialMergeSize;
        if (!visionLanguage.Text.WithTorchDtype(backbone.TorchDtype).Equals(backbone))
            throw new ArgumentException("The backbone must be the Qwen2.5-VL model's language model (its text config).");
        if (encoder.PatchSize != factor || encoder.LatentTokens != encoder.Patches || encoder.LatentWidth != visionLanguage.Vision.OutHiddenSize)
            throw new ArgumentException(
                $"A vision-tower encoder makes one token of width {visionLanguage.Vision.OutHiddenSize} per {factor}×{factor} pixels: the encoder config needs patch size {factor}, " +
                $"latent tokens = patches ({encoder.Patches}) and latent width {visionLanguage.Vision.OutHiddenSize}; got {encoder.PatchSize}, {encoder.LatentTokens}, {encoder.LatentWidth}.");
        if (tokenizer != HuggingFaceTokenizerName)
            throw new ArgumentException("A Qwen2.5-VL backbone reads its actions with its own tokenizer.json (tokenizer \"huggingface\").");
    }

    /// <summary>The tokenizer name of <see cref="ByteTokenizer"/>.</summary>
    public const string ByteTokenizerName = "byte";

    /// <summary>The tokenizer name of a <see cref="HuggingFaceTokenizer"/> saved beside the weights.</summary>
    public const string HuggingFaceTokenizerName = "huggingface";

    /// <summary>The preset's name.</summary>
    public string Preset { get; }

    /// <summary>Encoder sizes.</summary>
    public EncoderConfig Encoder { get; }

    /// <summary>Backbone architecture.</summary>
    public Qwen2Config Backbone { get; }

    /// <summary>Dynamics sizes and training mode.</summary>
    public LatentDynamicsConfig Dynamics { get; }

    /// <summary>Decoder sizes.</summary>
    public FlowMatchingDecoderConfig Decoder { get; }

    /// <summary>Which tokenizer reads the action text.</summary>
    public string Tokenizer { get; }

    /// <summary>Weight of the auxiliary latent loss.</summary>
    public double LatentLossWeight { get; }

    /// <summary>The Hugging Face folder of a pretrained backbone, if any.</summary>
    public string? BackboneFolder { get; }

    /// <summary>For PAN's own configuration, the Qwen2.5-VL model whose vision tower is h and whose language model is f's backbone; null otherwise.</summary>
    public Qwen25VLConfig? VisionLanguage { get; }

    /// <summary>Frame side in pixels.</summary>
    public int ImageSize => Encoder.ImageSize;

    /// <summary>Unit tests: 32×32 frames, 16 latent tokens of width 64, a 2-layer backbone of width 64; trains in seconds.</summary>
    public static WorldModelConfig Tiny { get; } = new(
        "tiny",
        new EncoderConfig(imageSize: 32, patchSize: 8, width: 64, depth: 0, heads: 4, latentTokens: 16, latentWidth: 64),
        new Qwen2Config(vocabSize: 259, hiddenSize: 64, intermediateSize: 128, numHiddenLayers: 2, numAttentionHeads: 4, numKeyValueHeads: 2, maxPositionEmbeddings: 8192),
        new LatentDynamicsConfig(latentTokens: 16, latentWidth: 64, maxActionTokens: 32),
        new FlowMatchingDecoderConfig(imageSize: 32, patchSize: 4, width: 64, depth: 2, heads: 4, latentTokens: 16, latentWidth: 64, maxChunks: 5, conditionNoise: 0.1));

    /// <summary>
    /// The CPU demo: 32×32 frames, 16 latent tokens of width 64 (one per 8×8 region), a 2-layer backbone of width 64 and a
    /// 2-block decoder; sized so that about ten minutes on two cores teach it ShapesWorld's dynamics.
    /// </summary>
    public static WorldModelConfig Small { get; } = new(
        "small",
        new EncoderConfig(imageSize: 32, patchSize: 8, width: 128, depth: 0, heads: 4, latentTokens: 16, latentWidth: 64),
        new Qwen2Config(vocabSize: 259, hiddenSize: 64, intermediateSize: 128, numHiddenLayers: 2, numAttentionHeads: 4, numKeyValueHeads: 2, maxPositionEmbeddings: 16384),
        new LatentDynamicsConfig(latentTokens: 16, latentWidth: 64, maxActionTokens: 32),
        FlowMatchingDecoderConfig.Small);

    /// <summary>
    /// Paper-shaped (PAN). On a Qwen2.5-VL folder, PAN's own build (PAN §4.2, <see cref="FromVisionLanguageFolder"/>): the
    /// frozen vision tower is h, its 256 output tokens of a 448×448 frame are the state, the frozen language model with
    /// M-RoPE is f's backbone, 256 learnable query slots per turn give ŝ_{t+1}, and only the slots, the projections and the
    /// decoder (448×448 frames in 28×28 patches) train. On a Qwen2/Qwen2.5 text folder: 256×256 frames, 256 latent tokens
    /// from an encoder trained with the model, the pretrained backbone frozen by default so that only the projections and
    /// query slots learn. For a GPU.
    /// </summary>
    public static WorldModelConfig Pan(string backboneFolder, BackboneTraining training = BackboneTraining.Frozen)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(backboneFolder);
        if (Qwen25VLCheckpoint.IsQwen25VLFolder(backboneFolder))
        {
            var vision = Qwen25VLConfig.FromFile(Path.Combine(backboneFolder, Qwen2Checkpoint.ConfigFileName)).Vision;
            int patch = vision.PatchSize * vision.SpatialMergeSize, side = PanLatentSide * patch;
            var decoder = new FlowMatchingDecoderConfig(imageSize: side, patchSize: patch, width: 1024, depth: 24, heads: 16,
                latentTokens: PanLatentSide * PanLatentSide, latentWidth: vision.OutHiddenSize, maxChunks: 5, conditionNoise: 0.1);
            return FromVisionLanguageFolder(backboneFolder, PanLatentSide, decoder, maxActionTokens: 64, training, "pan");
        }
        var backbone = Qwen2Config.FromFile(Path.Combine(backboneFolder, Qwen2Checkpoint.ConfigFileName));
        return new WorldModelConfig(
            "pan",
            new EncoderConfig(imageSize: 256, patchSize: 16, width: 768, depth: 12, heads: 12, latentTokens: 256, latentWidth: 1024),
            backbone,
            new LatentDynamicsConfig(latentTokens: 256, latentWidth: 1024, maxActionTokens: 64, training),
            FlowMatchingDecoderConfig.Pan.WithLatent(256, 1024),
            HuggingFaceTokenizerName,
            backboneFolder: Path.GetFullPath(backboneFolder));
    }

    /// <summary>The latent grid side of PAN's configuration: 16 × 16 = 256 tokens per state.</summary>
    public const int PanLatentSide = 16;

    /// <summary>
    /// A world model around the Qwen2.5-VL checkpoint in <paramref name="folder"/> (PAN §4.2): frames of
    /// <paramref name="latentSide"/> × patch × merge pixels a side, whose <paramref name="latentSide"/>² vision-tower tokens
    /// (of the language model's width) are the states; the tower is always frozen, the language model frozen unless
    /// <paramref name="training"/> says otherwise; <paramref name="decoder"/> must match the frame size and the latent shape.
    /// </summary>
    /// <exception cref="FileNotFoundException">The folder's config.json is missing.</exception>
    /// <exception cref="FormatException">It is not a supported Qwen2.5-VL config.</exception>
    public static WorldModelConfig FromVisionLanguageFolder(string folder, int latentSide, FlowMatchingDecoderConfig decoder, int maxActionTokens = 32,
        BackboneTraining training = BackboneTraining.Frozen, string preset = "vision-language")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        ArgumentNullException.ThrowIfNull(decoder);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(latentSide);
        var visionLanguage = Qwen25VLConfig.FromFile(Path.Combine(folder, Qwen2Checkpoint.ConfigFileName));
        var vision = visionLanguage.Vision;
        int patch = vision.PatchSize * vision.SpatialMergeSize, tokens = latentSide * latentSide, width = vision.OutHiddenSize;
        return new WorldModelConfig(
            preset,
            new EncoderConfig(imageSize: latentSide * patch, patchSize: patch, width: vision.HiddenSize, depth: vision.Depth, heads: vision.NumHeads,
                latentTokens: tokens, latentWidth: width),
            visionLanguage.Text,
            new LatentDynamicsConfig(tokens, width, maxActionTokens, training),
            decoder,
            HuggingFaceTokenizerName,
            backboneFolder: Path.GetFullPath(folder),
            visionLanguage: visionLanguage);
    }

    /// <summary>
    /// This configuration with the dynamics reading <paramref name="turns"/> turns of history: the trainer's default window
    /// and the inference window follow it (<see cref="HistoryWindow.For"/>).
    /// </summary>
    public WorldModelConfig WithHistoryTurns(int turns) => new(Preset, Encoder, Backbone,
        new LatentDynamicsConfig(Dynamics.LatentTokens, Dynamics.LatentWidth, Dynamics.MaxActionTokens, Dynamics.Training, turns),
        Decoder, Tokenizer, LatentLossWeight, BackboneFolder, VisionLanguage);

    /// <summary>This configuration with the decoder's context frame noise-augmented up to <paramref name="level"/> in training (see <see cref="FlowMatchingDecoderConfig.ConditionNoise"/>).</summary>
    public WorldModelConfig WithConditionNoise(double level) => new(Preset, Encoder, Backbone, Dynamics, Decoder.WithConditionNoise(level),
        Tokenizer, LatentLossWeight, BackboneFolder, VisionLanguage);

    /// <summary>A preset by name: tiny, small, or pan (which needs <paramref name="backboneFolder"/>).</summary>
    public static WorldModelConfig FromPreset(string name, string? backboneFolder = null) => name.ToLowerInvariant() switch
    {
        "tiny" => Tiny,
        "small" => Small,
        "pan" => Pan(backboneFolder ?? throw new ArgumentException("The pan preset needs a pretrained Qwen2/Qwen2.5 or Qwen2.5-VL folder (--backbone <folder>).")),
        _ => throw new ArgumentException($"Unknown preset \"{name}\"; use tiny, small or pan."),
    };

    /// <summary>The configuration as the JSON a checkpoint stores (the backbone as its Hugging Face config.json).</summary>
    public string ToJson()
    {
        var node = new JsonObject
        {
            ["format"] = FormatName,
            ["version"] = FormatVersion,
            ["preset"] = Preset,
            ["tokenizer"] = Tokenizer,
            ["latent_loss_weight"] = LatentLossWeight,
            ["backbone_folder"] = BackboneFolder,
            ["encoder"] = JsonSerializer.SerializeToNode(Encoder, _jsonOptions),
            ["dynamics"] = JsonSerializer.SerializeToNode(Dynamics, _jsonOptions),
            ["decoder"] = JsonSerializer.SerializeToNode(Decoder, _jsonOptions),
            ["backbone"] = JsonNode.Parse(Backbone.ToJson()),
            ["vision_language"] = VisionLanguage is null ? null : JsonNode.Parse(VisionLanguage.ToJson()),
        };
        return node.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>Reads a configuration written by <see cref="ToJson"/>; <paramref name="source"/> names the file in errors.</summary>
    /// <exception cref="InvalidInputException">The JSON is malformed, of another format or version, or its values are out of range.</exception>
    public static WorldModelConfig FromJson(string json, string source = "world model config")
    {
        try
        {
            var node = JsonNode.Parse(json) as JsonObject ?? throw new FormatException("the JSON is not an object");
            if ((string?)node["format"] != FormatName) throw new FormatException($"\"format\" is \"{node["format"]}\", expected \"{FormatName}\"");
            if ((int?)node["version"] != FormatVersion) throw new FormatException($"\"version\" is {node["version"]?.ToJsonString() ?? "missing"}, this code reads {FormatVersion}");
            T Part<T>(string key) => (node[key] ?? throw new FormatException($"\"{key}\" is missing")).Deserialize<T>(_jsonOptions)
                ?? throw new FormatException($"\"{key}\" is null");
            return new WorldModelConfig(
                (string?)node["preset"] ?? throw new FormatException("\"preset\" is missing"),
                Part<EncoderConfig>("encoder"),
                Qwen2Config.FromJson((node["backbone"] ?? throw new FormatException("\"backbone\" is missing")).ToJsonString()),
                Part<LatentDynamicsConfig>("dynamics"),
                Part<FlowMatchingDecoderConfig>("decoder"),
                (string?)node["tokenizer"] ?? ByteTokenizerName,
                (double?)node["latent_loss_weight"] ?? 1.0,
                (string?)node["backbone_folder"],
                node["vision_language"] is { } visionLanguage ? Qwen25VLConfig.FromJson(visionLanguage.ToJsonString()) : null);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or ArgumentException or OverflowException)
        {
            throw new InvalidInputException(source, $"{source}: {e.Message}", e);
        }
    }

    static readonly JsonSerializerOptions _jsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };
}
