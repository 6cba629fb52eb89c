using System.Text.Json;
using System.Text.Json.Nodes;
using PanGym.Backbone;

namespace PanGym.WorldModel;

/// <summary>
/// Everything that shapes a <see cref="WorldModel"/>: the encoder h, the LLM backbone and dynamics f, the decoder g, the
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
    /// <param name="latentLossWeight">Weight of the auxiliary latent loss (see <see cref="WorldModel.Loss"/>).</param>
    /// <param name="backboneFolder">For a pretrained backbone, the Hugging Face folder it is loaded from when the model is created.</param>
    public WorldModelConfig(string preset, EncoderConfig encoder, Qwen2Config backbone, LatentDynamicsConfig dynamics,
        FlowMatchingDecoderConfig decoder, string tokenizer = ByteTokenizerName, double latentLossWeight = 1.0, string? backboneFolder = null)
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
        (Preset, Encoder, Backbone, Dynamics, Decoder, Tokenizer, LatentLossWeight, BackboneFolder) =
            (preset, encoder, backbone, dynamics, decoder, tokenizer, latentLossWeight, backboneFolder);
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
    /// Paper-shaped (PAN): 256×256 frames, 256 latent tokens, a pretrained Qwen2.5 backbone read from
    /// <paramref name="backboneFolder"/> (its config.json gives the architecture, its tokenizer.json the tokenizer), frozen
    /// by default so that only the projections and query slots learn; for a GPU.
    /// </summary>
    public static WorldModelConfig Pan(string backboneFolder, BackboneTraining training = BackboneTraining.Frozen)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(backboneFolder);
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

    /// <summary>A preset by name: tiny, small, or pan (which needs <paramref name="backboneFolder"/>).</summary>
    public static WorldModelConfig FromPreset(string name, string? backboneFolder = null) => name.ToLowerInvariant() switch
    {
        "tiny" => Tiny,
        "small" => Small,
        "pan" => Pan(backboneFolder ?? throw new ArgumentException("The pan preset needs a pretrained Qwen2/Qwen2.5 folder (--backbone <folder>).")),
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
            ["encoder"] = JsonSerializer.SerializeToNode(Encoder, JsonOptions),
            ["dynamics"] = JsonSerializer.SerializeToNode(Dynamics, JsonOptions),
            ["decoder"] = JsonSerializer.SerializeToNode(Decoder, JsonOptions),
            ["backbone"] = JsonNode.Parse(Backbone.ToJson()),
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
            T Part<T>(string key) => (node[key] ?? throw new FormatException($"\"{key}\" is missing")).Deserialize<T>(JsonOptions)
                ?? throw new FormatException($"\"{key}\" is null");
            return new WorldModelConfig(
                (string?)node["preset"] ?? throw new FormatException("\"preset\" is missing"),
                Part<EncoderConfig>("encoder"),
                Qwen2Config.FromJson((node["backbone"] ?? throw new FormatException("\"backbone\" is missing")).ToJsonString()),
                Part<LatentDynamicsConfig>("dynamics"),
                Part<FlowMatchingDecoderConfig>("decoder"),
                (string?)node["tokenizer"] ?? ByteTokenizerName,
                (double?)node["latent_loss_weight"] ?? 1.0,
                (string?)node["backbone_folder"]);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or ArgumentException or OverflowException)
        {
            throw new InvalidInputException(source, $"{source}: {e.Message}", e);
        }
    }

    static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };
}
