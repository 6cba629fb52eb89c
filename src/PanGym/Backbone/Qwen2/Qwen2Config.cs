using System.Text;
using TorchSharp;

namespace PanGym.Backbone;

/// <summary>
/// The shape and constants of a Qwen2-family decoder (Qwen2, Qwen2.5), with the field names of Hugging Face's
/// <c>config.json</c> (<c>Qwen2Config</c> in <c>transformers</c>). Validated once in the constructor; a setting the
/// backbone does not implement (sliding-window attention, rope scaling, another <c>model_type</c>) is refused when the
/// JSON is read, with the field and its value in the message.
/// </summary>
public sealed record Qwen2Config
{
    /// <summary>The only <c>model_type</c> this backbone implements. Qwen2.5 checkpoints also say "qwen2".</summary>
    public const string ModelType = "qwen2";

    /// <summary>Creates a configuration and checks that its sizes fit together.</summary>
    /// <param name="vocabSize">Rows of the token embedding and of the output head (<c>vocab_size</c>).</param>
    /// <param name="hiddenSize">Width of the residual stream (<c>hidden_size</c>).</param>
    /// <param name="intermediateSize">Width of the SiLU-gated MLP (<c>intermediate_size</c>).</param>
    /// <param name="numHiddenLayers">Number of decoder layers (<c>num_hidden_layers</c>).</param>
    /// <param name="numAttentionHeads">Query heads per layer (<c>num_attention_heads</c>).</param>
    /// <param name="numKeyValueHeads">Key/value heads per layer for grouped-query attention
    /// (<c>num_key_value_heads</c>); defaults to <paramref name="numAttentionHeads"/>.</param>
    /// <param name="headDim">Width of one head (<c>head_dim</c>); defaults to hidden size / heads.</param>
    /// <param name="maxPositionEmbeddings">Longest context the checkpoint was trained for
    /// (<c>max_position_embeddings</c>); informative, positions beyond it still compute.</param>
    /// <param name="ropeTheta">Base θ of the rotary frequencies (<c>rope_theta</c>).</param>
    /// <param name="rmsNormEps">ε inside the RMSNorm square root (<c>rms_norm_eps</c>).</param>
    /// <param name="tieWordEmbeddings">Whether the output head reuses the token embedding
    /// (<c>tie_word_embeddings</c>).</param>
    /// <param name="torchDtype">The dtype the weights were saved in (<c>torch_dtype</c>).</param>
    /// <param name="bosTokenId">Beginning-of-sequence id (<c>bos_token_id</c>), if any.</param>
    /// <param name="eosTokenIds">End-of-sequence ids (<c>eos_token_id</c>, a number or a list).</param>
    /// <param name="padTokenId">Padding id (<c>pad_token_id</c>), if any.</param>
    public Qwen2Config(
        int vocabSize,
        int hiddenSize,
        int intermediateSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int? numKeyValueHeads = null,
        int? headDim = null,
        int maxPositionEmbeddings = 32768,
        double ropeTheta = 10000.0,
        double rmsNormEps = 1e-6,
        bool tieWordEmbeddings = false,
        torch.ScalarType torchDtype = torch.ScalarType.Float32,
        int? bosTokenId = null,
        IReadOnlyList<int>? eosTokenIds = null,
        int? padTokenId = null)
    {
        RequirePositive("vocab_size", vocabSize);
        RequirePositive("hidden_size", hiddenSize);
        RequirePositive("intermediate_size", intermediateSize);
        RequirePositive("num_hidden_layers", numHiddenLayers);
        RequirePositive("num_attention_heads", numAttentionHeads);
        RequirePositive("max_position_embeddings", maxPositionEmbeddings);
        var kvHeads = numKeyValueHeads ?? numAttentionHeads;
        RequirePositive("num_key_value_heads", kvHeads);
        if (numAttentionHeads % kvHeads != 0)
            throw new ArgumentException($"num_attention_heads ({numAttentionHeads}) must be a multiple of num_key_value_heads ({kvHeads}).");
        if (headDim is null && hiddenSize % numAttentionHeads != 0)
            throw new ArgumentException($"hidden_size ({hiddenSize}) must be a multiple of num_attention_heads ({numAttentionHeads}) when head_dim is not given.");
        var resolvedHeadDim = headDim ?? hiddenSize / numAttentionHeads;
        RequirePositive("head_dim", resolvedHeadDim);
        if (resolvedHeadDim % 2 != 0)
            throw new ArgumentException($"head_dim ({resolvedHeadDim}) must be even: rotary embeddings rotate pairs of dimensions.");
        if ((long)numAttentionHeads * resolvedHeadDim > int.MaxValue)
            throw new ArgumentException($"num_attention_heads × head_dim ({numAttentionHeads} × {resolvedHeadDim}) exceeds {int.MaxValue}, the widest projection a tensor dimension holds.");
        if (!(ropeTheta > 1.0) || double.IsInfinity(ropeTheta))
            throw new ArgumentException($"rope_theta ({ropeTheta}) must be a finite number above 1.");
        if (!(rmsNormEps > 0.0) || double.IsInfinity(rmsNormEps))
            throw new ArgumentException($"rms_norm_eps ({rmsNormEps}) must be a finite positive number.");
        if (!TorchDtypeNames.IsFloatingPoint(torchDtype))
            throw new ArgumentException($"torch_dtype ({torchDtype}) must be float32, bfloat16 or float16.");
        var eos = (eosTokenIds ?? []).ToArray();
        foreach (var (name, id) in eos.Select(id => ("eos_token_id", (int?)id)).Append(("bos_token_id", bosTokenId)).Append(("pad_token_id", padTokenId)))
        {
            if (id is { } value && (value < 0 || value >= vocabSize))
                throw new ArgumentException($"{name} ({value}) is outside the vocabulary [0, {vocabSize}).");
        }

        ParameterCount = CountParameters(vocabSize, hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads * resolvedHeadDim,
            kvHeads * resolvedHeadDim, tieWordEmbeddings);
        VocabSize = vocabSize;
        HiddenSize = hiddenSize;
        IntermediateSize = intermediateSize;
        NumHiddenLayers = numHiddenLayers;
        NumAttentionHeads = numAttentionHeads;
        NumKeyValueHeads = kvHeads;
        HeadDim = resolvedHeadDim;
        MaxPositionEmbeddings = maxPositionEmbeddings;
        RopeTheta = ropeTheta;
        RmsNormEps = rmsNormEps;
        TieWordEmbeddings = tieWordEmbeddings;
        TorchDtype = torchDtype;
        BosTokenId = bosTokenId;
        EosTokenIds = eos;
        PadTokenId = padTokenId;
    }

    /// <summary>A test-sized configuration (about 60 k parameters) with grouped-query attention and an untied head.</summary>
    public static Qwen2Config Tiny { get; } = new(
        vocabSize: 300, hiddenSize: 64, intermediateSize: 128, numHiddenLayers: 2,
        numAttentionHeads: 4, numKeyValueHeads: 2, maxPositionEmbeddings: 4096, ropeTheta: 10000.0);

    /// <summary>The shape of Qwen2.5-0.5B (494 M parameters, tied embeddings), for benchmarks and real checkpoints.</summary>
    public static Qwen2Config Qwen2_5_0_5B { get; } = new(
        vocabSize: 151936, hiddenSize: 896, intermediateSize: 4864, numHiddenLayers: 24,
        numAttentionHeads: 14, numKeyValueHeads: 2, maxPositionEmbeddings: 32768, ropeTheta: 1000000.0,
        rmsNormEps: 1e-6, tieWordEmbeddings: true, torchDtype: torch.ScalarType.BFloat16,
        bosTokenId: 151643, eosTokenIds: [151643]);

    /// <summary>Rows of the token embedding and of the output head.</summary>
    public int VocabSize { get; }

    /// <summary>Width of the residual stream.</summary>
    public int HiddenSize { get; }

    /// <summary>Width of the SiLU-gated MLP.</summary>
    public int IntermediateSize { get; }

    /// <summary>Number of decoder layers.</summary>
    public int NumHiddenLayers { get; }

    /// <summary>Query heads per layer.</summary>
    public int NumAttentionHeads { get; }

    /// <summary>Key/value heads per layer; each serves <see cref="NumKeyValueGroups"/> query heads.</summary>
    public int NumKeyValueHeads { get; }

    /// <summary>Width of one attention head.</summary>
    public int HeadDim { get; }

    /// <summary>Longest context the checkpoint was trained for (informative).</summary>
    public int MaxPositionEmbeddings { get; }

    /// <summary>Base θ of the rotary frequencies θ^(−2i/d).</summary>
    public double RopeTheta { get; }

    /// <summary>ε inside the RMSNorm square root.</summary>
    public double RmsNormEps { get; }

    /// <summary>Whether the output head reuses the token embedding matrix.</summary>
    public bool TieWordEmbeddings { get; }

    /// <summary>The dtype the weights were saved in (<c>torch_dtype</c>).</summary>
    public torch.ScalarType TorchDtype { get; }

    /// <summary>Beginning-of-sequence id, if the checkpoint names one.</summary>
    public int? BosTokenId { get; }

    /// <summary>End-of-sequence ids (empty when none is named).</summary>
    public IReadOnlyList<int> EosTokenIds { get; }

    /// <summary>Padding id, if the checkpoint names one.</summary>
    public int? PadTokenId { get; }

    /// <summary>Query heads per key/value head (the grouped-query attention ratio).</summary>
    public int NumKeyValueGroups => NumAttentionHeads / NumKeyValueHeads;

    /// <summary>
    /// Parameters of a model of this shape (every matrix, bias and norm weight; the output head once, or not at all when
    /// tied), known without building it, so a checkpoint's size is checked before anything is allocated.
    /// </summary>
    public long ParameterCount { get; }

    /// <summary>
    /// The name and shape of every parameter of a <see cref="Qwen2Model"/> of this shape, in Hugging Face's names
    /// (<c>model.embed_tokens.weight</c>, <c>model.layers.{i}.self_attn.q_proj.weight</c>, …, <c>lm_head.weight</c>
    /// unless tied), derived without building the model: a checkpoint's headers are checked against it first.
    /// </summary>
    internal IEnumerable<(string Name, long[] Shape)> ParameterShapes()
    {
        long hidden = HiddenSize, queryWidth = (long)NumAttentionHeads * HeadDim, keyValueWidth = (long)NumKeyValueHeads * HeadDim;
        yield return ("model.embed_tokens.weight", [VocabSize, hidden]);
        for (int layer = 0; layer < NumHiddenLayers; layer++)
        {
            string prefix = $"model.layers.{layer}.";
            yield return (prefix + "self_attn.q_proj.weight", [queryWidth, hidden]);
            yield return (prefix + "self_attn.q_proj.bias", [queryWidth]);
            yield return (prefix + "self_attn.k_proj.weight", [keyValueWidth, hidden]);
            yield return (prefix + "self_attn.k_proj.bias", [keyValueWidth]);
            yield return (prefix + "self_attn.v_proj.weight", [keyValueWidth, hidden]);
            yield return (prefix + "self_attn.v_proj.bias", [keyValueWidth]);
            yield return (prefix + "self_attn.o_proj.weight", [hidden, queryWidth]);
            yield return (prefix + "mlp.gate_proj.weight", [IntermediateSize, hidden]);
            yield return (prefix + "mlp.up_proj.weight", [IntermediateSize, hidden]);
            yield return (prefix + "mlp.down_proj.weight", [hidden, IntermediateSize]);
            yield return (prefix + "input_layernorm.weight", [hidden]);
            yield return (prefix + "post_attention_layernorm.weight", [hidden]);
        }
        yield return ("model.norm.weight", [hidden]);
        if (!TieWordEmbeddings) yield return ("lm_head.weight", [VocabSize, hidden]);
    }

    /// <summary>Reads a Hugging Face <c>config.json</c> file.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidInputException">The JSON is malformed or asks for something this backbone does not implement;
    /// the message names the file, the field and its value.</exception>
    public static Qwen2Config FromFile(string path) => ConfigJsonFile.Read(path, "Qwen2 config file", Qwen2ConfigJson.Read);

    /// <summary>Parses the text of a Hugging Face <c>config.json</c>; fields Qwen2 does not use are ignored.</summary>
    /// <exception cref="FormatException">The JSON is malformed, a required field is missing or has the wrong type, or
    /// the configuration asks for something this backbone does not implement.</exception>
    public static Qwen2Config FromJson(string json) => ConfigJsonFile.Parse(json, Qwen2ConfigJson.Read);

    /// <summary>Writes this configuration as a Hugging Face compatible <c>config.json</c> text.</summary>
    public string ToJson() => Qwen2ConfigJson.Write(this);

    /// <summary>This configuration with another <c>torch_dtype</c> (the dtype a checkpoint is saved in).</summary>
    public Qwen2Config WithTorchDtype(torch.ScalarType torchDtype) => new(
        VocabSize, HiddenSize, IntermediateSize, NumHiddenLayers, NumAttentionHeads, NumKeyValueHeads, HeadDim,
        MaxPositionEmbeddings, RopeTheta, RmsNormEps, TieWordEmbeddings, torchDtype, BosTokenId, EosTokenIds, PadTokenId);

    /// <summary>Two configurations are equal when every field is, the end-of-sequence ids compared element by element.</summary>
    public bool Equals(Qwen2Config? other) =>
        other is not null
        && VocabSize == other.VocabSize && HiddenSize == other.HiddenSize && IntermediateSize == other.IntermediateSize
        && NumHiddenLayers == other.NumHiddenLayers && NumAttentionHeads == other.NumAttentionHeads
        && NumKeyValueHeads == other.NumKeyValueHeads && HeadDim == other.HeadDim
        && MaxPositionEmbeddings == other.MaxPositionEmbeddings && RopeTheta.Equals(other.RopeTheta)
        && RmsNormEps.Equals(other.RmsNormEps) && TieWordEmbeddings == other.TieWordEmbeddings
        && TorchDtype == other.TorchDtype && BosTokenId == other.BosTokenId && PadTokenId == other.PadTokenId
        && EosTokenIds.SequenceEqual(other.EosTokenIds);

    /// <summary>A hash consistent with <see cref="Equals(Qwen2Config?)"/>.</summary>
    public override int GetHashCode() =>
        HashCode.Combine(HashCode.Combine(VocabSize, HiddenSize, IntermediateSize, NumHiddenLayers, NumAttentionHeads, NumKeyValueHeads, HeadDim),
            HashCode.Combine(MaxPositionEmbeddings, RopeTheta, RmsNormEps, TieWordEmbeddings, TorchDtype, BosTokenId, PadTokenId),
            EosTokenIds.Count);

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"vocab_size = {VocabSize}, hidden_size = {HiddenSize}, intermediate_size = {IntermediateSize}, ");
        builder.Append($"num_hidden_layers = {NumHiddenLayers}, num_attention_heads = {NumAttentionHeads}, ");
        builder.Append($"num_key_value_heads = {NumKeyValueHeads}, head_dim = {HeadDim}, rope_theta = {RopeTheta}, ");
        builder.Append($"rms_norm_eps = {RmsNormEps}, tie_word_embeddings = {TieWordEmbeddings}, torch_dtype = {TorchDtypeNames.ToName(TorchDtype)}");
        return true;
    }

    private static long CountParameters(long vocab, long hidden, long intermediate, long layers, long queryWidth, long keyValueWidth, bool tied)
    {
        try
        {
            long attention = checked(queryWidth * hidden + queryWidth + 2 * (keyValueWidth * hidden + keyValueWidth) + hidden * queryWidth);
            long layer = checked(attention + 3 * intermediate * hidden + 2 * hidden);
            return checked(vocab * hidden * (tied ? 1 : 2) + layers * layer + hidden);
        }
        catch (OverflowException)
        {
            throw new ArgumentException($"A model of vocab_size {vocab}, hidden_size {hidden}, intermediate_size {intermediate} and {layers} layers has more parameters than a 64-bit count holds.");
        }
    }

    private static void RequirePositive(string field, int value)
    {
        if (value <= 0) throw new ArgumentException($"{field} must be positive, got {value}.");
    }
}
