using System.Text;
using TorchSharp;

namespace PanGym.Backbone.Qwen25VL;

/// <summary>
/// The configuration of a Qwen2.5-VL checkpoint (transformers' <c>Qwen2_5_VLConfig</c>, <c>model_type</c>
/// "qwen2_5_vl"): the language model (a Qwen2 decoder, <see cref="Text"/>), the vision tower (<see cref="Vision"/>), the
/// multimodal rotary sections (<see cref="MropeSection"/>) and the ids of the vision special tokens. Reads both layouts
/// of config.json: the classic one (text fields at the top level beside <c>vision_config</c>) and the one transformers
/// ≥ 4.52 writes (a nested <c>text_config</c>). Validated once in the constructor.
/// </summary>
public sealed record Qwen25VLConfig
{
    /// <summary>The <c>model_type</c> this backbone implements.</summary>
    public const string ModelType = "qwen2_5_vl";

    /// <summary>Creates a configuration and checks that the parts fit together.</summary>
    /// <param name="text">The language model's architecture.</param>
    /// <param name="vision">The vision tower's architecture.</param>
    /// <param name="mropeSection">How many of a head's rotary frequency pairs follow the temporal, height and width
    /// position (<c>rope_scaling.mrope_section</c>); they sum to head_dim / 2.</param>
    /// <param name="imageTokenId">Id of <c>&lt;|image_pad|&gt;</c> (<c>image_token_id</c>).</param>
    /// <param name="videoTokenId">Id of <c>&lt;|video_pad|&gt;</c> (<c>video_token_id</c>).</param>
    /// <param name="visionStartTokenId">Id of <c>&lt;|vision_start|&gt;</c> (<c>vision_start_token_id</c>).</param>
    /// <param name="visionEndTokenId">Id of <c>&lt;|vision_end|&gt;</c> (<c>vision_end_token_id</c>).</param>
    public Qwen25VLConfig(Qwen2Config text, Qwen25VLVisionConfig vision, IReadOnlyList<int> mropeSection,
        int imageTokenId, int videoTokenId, int visionStartTokenId, int visionEndTokenId)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(vision);
        ArgumentNullException.ThrowIfNull(mropeSection);
        if (text.HeadDim * text.NumAttentionHeads != text.HiddenSize)
            throw new ArgumentException($"Qwen2.5-VL's language model needs head_dim = hidden_size / num_attention_heads ({text.HiddenSize / text.NumAttentionHeads}), got {text.HeadDim}.");
        var sections = mropeSection.ToArray();
        if (sections.Length != 3 || sections.Any(section => section < 0) || sections.Sum() != text.HeadDim / 2)
            throw new ArgumentException($"mrope_section [{string.Join(", ", sections)}] must be three non-negative numbers (temporal, height, width) summing to head_dim / 2 = {text.HeadDim / 2}.");
        if (vision.OutHiddenSize != text.HiddenSize)
            throw new ArgumentException($"vision_config.out_hidden_size ({vision.OutHiddenSize}) must equal the language model's hidden_size ({text.HiddenSize}): merged image tokens take text tokens' places.");
        var ids = new[] { ("image_token_id", imageTokenId), ("video_token_id", videoTokenId), ("vision_start_token_id", visionStartTokenId), ("vision_end_token_id", visionEndTokenId) };
        foreach (var (field, id) in ids)
        {
            if (id < 0 || id >= text.VocabSize)
                throw new ArgumentException($"{field} ({id}) is outside the vocabulary [0, {text.VocabSize}).");
        }
        if (ids.Select(entry => entry.Item2).Distinct().Count() != ids.Length)
            throw new ArgumentException($"The vision special tokens must have distinct ids, got {string.Join(", ", ids.Select(entry => $"{entry.Item1} = {entry.Item2}"))}.");

        Text = text;
        Vision = vision;
        MropeSection = sections;
        ImageTokenId = imageTokenId;
        VideoTokenId = videoTokenId;
        VisionStartTokenId = visionStartTokenId;
        VisionEndTokenId = visionEndTokenId;
    }

    /// <summary>The shape of Qwen2.5-VL-3B-Instruct (3.75 B parameters: 3.09 B language model with tied embeddings, 0.67 B vision tower).</summary>
    public static Qwen25VLConfig Qwen2_5_VL_3B { get; } = new(
        new Qwen2Config(vocabSize: 151936, hiddenSize: 2048, intermediateSize: 11008, numHiddenLayers: 36, numAttentionHeads: 16,
            numKeyValueHeads: 2, maxPositionEmbeddings: 128000, ropeTheta: 1000000.0, rmsNormEps: 1e-6, tieWordEmbeddings: true,
            torchDtype: torch.ScalarType.BFloat16, bosTokenId: 151643, eosTokenIds: [151645]),
        Qwen25VLVisionConfig.Released(outHiddenSize: 2048), [16, 24, 24],
        imageTokenId: 151655, videoTokenId: 151656, visionStartTokenId: 151652, visionEndTokenId: 151653);

    /// <summary>The shape of Qwen2.5-VL-7B-Instruct, PAN's backbone (8.29 B parameters: 7.62 B language model, 0.68 B vision tower).</summary>
    public static Qwen25VLConfig Qwen2_5_VL_7B { get; } = new(
        new Qwen2Config(vocabSize: 152064, hiddenSize: 3584, intermediateSize: 18944, numHiddenLayers: 28, numAttentionHeads: 28,
            numKeyValueHeads: 4, maxPositionEmbeddings: 128000, ropeTheta: 1000000.0, rmsNormEps: 1e-6, tieWordEmbeddings: false,
            torchDtype: torch.ScalarType.BFloat16, bosTokenId: 151643, eosTokenIds: [151645]),
        Qwen25VLVisionConfig.Released(outHiddenSize: 3584), [16, 24, 24],
        imageTokenId: 151655, videoTokenId: 151656, visionStartTokenId: 151652, visionEndTokenId: 151653);

    /// <summary>The language model's architecture (a Qwen2 decoder).</summary>
    public Qwen2Config Text { get; }

    /// <summary>The vision tower's architecture.</summary>
    public Qwen25VLVisionConfig Vision { get; }

    /// <summary>Rotary frequency pairs per head that follow the temporal, height and width position, in that order.</summary>
    public IReadOnlyList<int> MropeSection { get; }

    /// <summary>Id of <c>&lt;|image_pad|&gt;</c>, the placeholder one merged image token replaces.</summary>
    public int ImageTokenId { get; }

    /// <summary>Id of <c>&lt;|video_pad|&gt;</c>.</summary>
    public int VideoTokenId { get; }

    /// <summary>Id of <c>&lt;|vision_start|&gt;</c>, which opens an image in the prompt.</summary>
    public int VisionStartTokenId { get; }

    /// <summary>Id of <c>&lt;|vision_end|&gt;</c>, which closes it.</summary>
    public int VisionEndTokenId { get; }

    /// <summary>Reads a Hugging Face <c>config.json</c> file of either layout.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="FormatException">The JSON is malformed or asks for something this backbone does not implement;
    /// the message names the file, the field and its value.</exception>
    public static Qwen25VLConfig FromFile(string path) => ConfigJsonFile.Read(path, "Qwen2.5-VL config file", Qwen25VLConfigJson.Read);

    /// <summary>Parses the text of a Qwen2.5-VL <c>config.json</c> (classic or <c>text_config</c> layout).</summary>
    /// <exception cref="FormatException">The JSON is malformed, a required field is missing or has the wrong type, or
    /// the configuration asks for something this backbone does not implement.</exception>
    public static Qwen25VLConfig FromJson(string json) => ConfigJsonFile.Parse(json, Qwen25VLConfigJson.Read);

    /// <summary>This configuration as a Hugging Face <c>config.json</c> text in the classic layout (Qwen's released files).</summary>
    public string ToJson() => Qwen25VLConfigJson.Write(this);

    /// <summary>Two configurations are equal when every field is.</summary>
    public bool Equals(Qwen25VLConfig? other) =>
        other is not null && Text.Equals(other.Text) && Vision.Equals(other.Vision) && MropeSection.SequenceEqual(other.MropeSection)
        && ImageTokenId == other.ImageTokenId && VideoTokenId == other.VideoTokenId
        && VisionStartTokenId == other.VisionStartTokenId && VisionEndTokenId == other.VisionEndTokenId;

    /// <summary>A hash consistent with <see cref="Equals(Qwen25VLConfig?)"/>.</summary>
    public override int GetHashCode() => HashCode.Combine(Text, Vision, ImageTokenId, VideoTokenId, VisionStartTokenId, VisionEndTokenId);

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"text = {Text}, vision = (depth {Vision.Depth}, hidden {Vision.HiddenSize}, heads {Vision.NumHeads}), ");
        builder.Append($"mrope_section = [{string.Join(", ", MropeSection)}], image_token_id = {ImageTokenId}");
        return true;
    }
}
