using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace PanGym.Backbone;

/// <summary>
/// A Qwen2-family causal language model (transformers' <c>Qwen2ForCausalLM</c>): token embedding, pre-norm decoder
/// layers with grouped-query attention, rotary positions and SiLU-gated MLPs, a final RMSNorm and an output head
/// (tied to the embedding when the config says so). Parameter names are exactly Hugging Face's
/// (<c>model.embed_tokens.weight</c>, <c>model.layers.{i}.self_attn.q_proj.weight</c>, …, <c>lm_head.weight</c>),
/// so a state dict maps one to one onto a checkpoint.
/// </summary>
/// <remarks>
/// Two entry points: token ids → logits (<see cref="Forward"/>), and input embeddings → final hidden states
/// (<see cref="ForwardEmbeddings"/>), which a world model uses to interleave embedded text with continuous latent
/// tokens that have no ids. Every method returns new tensors that belong to the caller's dispose scope.
/// </remarks>
public sealed class Qwen2Model : nn.Module
{
    [ComponentName(Name = "model")]
    private readonly Qwen2Decoder _decoder;

    [ComponentName(Name = "lm_head")]
    private readonly Linear? _lmHead;

    /// <summary>Builds a randomly initialised model (weights ~ N(0, 0.02²), biases 0, norm weights 1, as transformers does).</summary>
    /// <param name="config">The architecture.</param>
    /// <param name="dtype">Dtype of the weights; float32 when null (use <c>.to(dtype)</c> later to convert).</param>
    public Qwen2Model(Qwen2Config config, ScalarType? dtype = null) : this(config, dtype, initialize: true)
    {
    }

    /// <summary>
    /// Builds the modules; <paramref name="initialize"/> false skips the random initialisation (weights are about to be
    /// loaded). With <paramref name="multimodalRopeSection"/> the model is Qwen2.5-VL's language model, whose positions
    /// may be 3-D (temporal, height, width; see <see cref="ForwardEmbeddings"/>).
    /// </summary>
    internal Qwen2Model(Qwen2Config config, ScalarType? dtype, bool initialize, IReadOnlyList<int>? multimodalRopeSection = null) : base("Qwen2ForCausalLM")
    {
        var weightDtype = dtype ?? ScalarType.Float32;
        if (!TorchDtypeNames.IsFloatingPoint(weightDtype))
            throw new ArgumentException($"Unsupported weight dtype {weightDtype}: expected float32, bfloat16 or float16.", nameof(dtype));
        Config = config;
        MultimodalRopeSection = multimodalRopeSection?.ToArray();
        _decoder = new Qwen2Decoder(config, weightDtype);
        if (!config.TieWordEmbeddings)
            _lmHead = nn.Linear(config.HiddenSize, config.VocabSize, hasBias: false, dtype: weightDtype);
        RegisterComponents();
        if (initialize) InitializeWeights();
    }

    /// <summary>The architecture this model was built for.</summary>
    public Qwen2Config Config { get; }

    /// <summary>
    /// For Qwen2.5-VL's language model, how many of each head's rotary frequency pairs follow the temporal, height and
    /// width position (<c>mrope_section</c>); null for a text-only Qwen2.
    /// </summary>
    public IReadOnlyList<int>? MultimodalRopeSection { get; }

    /// <summary>The dtype the weights are held in now.</summary>
    public ScalarType DType => _decoder.EmbedTokens.weight!.dtype;

    /// <summary>The device the weights are on now.</summary>
    public Device Device => _decoder.EmbedTokens.weight!.device;

    /// <summary>An empty KV cache for <paramref name="batchSize"/> sequences with this model's shape, dtype and device.</summary>
    public KvCache CreateCache(int batchSize = 1, int initialCapacity = 64) =>
        new(Config.NumHiddenLayers, batchSize, Config.NumKeyValueHeads, Config.HeadDim, DType, Device, initialCapacity);

    /// <summary>
    /// Logits [B, T, V] for token ids [B, T]: the embeddings run through every layer (attending causally to the
    /// cache and to each other), the final norm and the output head.
    /// </summary>
    /// <param name="inputIds">Token ids [B, T] (int64), each in [0, vocab).</param>
    /// <param name="cache">Keys and values of the earlier positions; the T new ones are appended to it.</param>
    /// <param name="positions">Absolute positions [T] or [B, T]; by default cache length + 0 … T − 1.</param>
    public Tensor Forward(Tensor inputIds, KvCache? cache = null, Tensor? positions = null)
    {
        using var scope = NewDisposeScope();
        return Logits(ForwardEmbeddings(Embed(inputIds), cache, positions)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Final hidden states [B, T, H] (after <c>model.norm</c>) for input embeddings [B, T, H].
    /// </summary>
    /// <param name="inputsEmbeds">Input embeddings [B, T, H] in the model's dtype.</param>
    /// <param name="cache">Keys and values of the earlier positions; the T new ones are appended to it.</param>
    /// <param name="positions">Absolute positions [T] or [B, T] for the rotary embedding; by default
    /// cache length + 0 … T − 1. They move the rotation only: which slots see which is the mask's business. A model with
    /// <see cref="MultimodalRopeSection"/> also takes 3-D positions [3, B or 1, T] (temporal, height, width; M-RoPE).</param>
    /// <param name="attentionMask">Boolean [T, T_total] or [B, 1, T, T_total] (T_total = cache length + T;
    /// true = may attend) that replaces the default causal mask, for example a block-causal mask in which query slots
    /// see neither their own nor later states. A query row with nothing allowed attends to nothing (zero attention output).</param>
    public Tensor ForwardEmbeddings(Tensor inputsEmbeds, KvCache? cache = null, Tensor? positions = null, Tensor? attentionMask = null)
    {
        if (inputsEmbeds.dim() != 3 || inputsEmbeds.shape[2] != Config.HiddenSize)
            throw new ArgumentException($"inputsEmbeds must be [B, T, {Config.HiddenSize}], got {TensorShape.Format(inputsEmbeds.shape)}.", nameof(inputsEmbeds));
        if (inputsEmbeds.dtype != DType)
            throw new ArgumentException($"inputsEmbeds has dtype {inputsEmbeds.dtype} but the model's weights are {DType}.", nameof(inputsEmbeds));
        var batch = inputsEmbeds.shape[0];
        var length = inputsEmbeds.shape[1];
        if (length == 0) throw new ArgumentException("inputsEmbeds has no positions (T = 0).", nameof(inputsEmbeds));
        cache?.EnsureCompatible(Config, DType, batch);
        var pastLength = cache?.Length ?? 0;

        using var scope = NewDisposeScope();
        var (cos, sin) = positions is not null && IsMultimodal(positions)
            ? RotaryEmbedding.MultimodalCosSin(ResolveMultimodalPositions(positions, batch, length), Config.HeadDim, Config.RopeTheta, MultimodalRopeSection!, DType)
            : RotaryEmbedding.CosSin(ResolvePositions(positions, batch, length, pastLength, inputsEmbeds.device), Config.HeadDim, Config.RopeTheta, DType);
        var mask = attentionMask is null
            ? CausalMask(length, pastLength, inputsEmbeds.device)
            : ValidateMask(attentionMask, batch, length, pastLength + length);
        var hidden = _decoder.Forward(inputsEmbeds, cos, sin, mask, cache);
        cache?.Advance((int)length);
        return hidden.MoveToOuterDisposeScope();
    }

    /// <summary>Token embeddings [B, T, H] for ids [B, T].</summary>
    /// <exception cref="ArgumentException">The ids are not integers or one lies outside [0, vocab).</exception>
    public Tensor Embed(Tensor ids)
    {
        if (ids.dtype is not (ScalarType.Int64 or ScalarType.Int32))
            throw new ArgumentException($"Token ids must be int64 or int32, got {ids.dtype}.", nameof(ids));
        if (ids.numel() > 0)
        {
            var smallest = ids.min().item<long>();
            var largest = ids.max().item<long>();
            if (smallest < 0 || largest >= Config.VocabSize)
                throw new ArgumentException($"Token id {(smallest < 0 ? smallest : largest)} is outside the vocabulary [0, {Config.VocabSize}).", nameof(ids));
        }
        return _decoder.EmbedTokens.forward(ids);
    }

    /// <summary>Logits [.., V] from final hidden states [.., H] through <c>lm_head</c> (or the tied embedding).</summary>
    public Tensor Logits(Tensor hidden) =>
        _lmHead is null ? nn.functional.linear(hidden, _decoder.EmbedTokens.weight!) : _lmHead.forward(hidden);

    private static Tensor ResolvePositions(Tensor? positions, long batch, long length, long pastLength, Device device)
    {
        if (positions is null) return arange(pastLength, pastLength + length, dtype: ScalarType.Int64, device: device).unsqueeze(0);
        if (positions.dtype is not (ScalarType.Int64 or ScalarType.Int32))
            throw new ArgumentException($"positions must be integers, got {positions.dtype}.", nameof(positions));
        var shaped = positions.dim() == 1 ? positions.unsqueeze(0) : positions;
        if (shaped.dim() != 2 || shaped.shape[1] != length || (shaped.shape[0] != batch && shaped.shape[0] != 1))
            throw new ArgumentException($"positions must be [{length}] or [{batch}, {length}], got {TensorShape.Format(positions.shape)}.", nameof(positions));
        return shaped;
    }

    /// <summary>Whether <paramref name="positions"/> are M-RoPE's 3-D ones [3, B, T]; only a multimodal model takes them.</summary>
    private bool IsMultimodal(Tensor positions)
    {
        if (positions.dim() != 3) return false;
        if (MultimodalRopeSection is null)
            throw new ArgumentException($"positions {TensorShape.Format(positions.shape)} are 3-D (M-RoPE), but this model has no mrope_section: pass [T] or [B, T].", nameof(positions));
        return true;
    }

    private static Tensor ResolveMultimodalPositions(Tensor positions, long batch, long length)
    {
        if (positions.dtype is not (ScalarType.Int64 or ScalarType.Int32))
            throw new ArgumentException($"positions must be integers, got {positions.dtype}.", nameof(positions));
        if (positions.shape[0] != 3 || positions.shape[2] != length || (positions.shape[1] != batch && positions.shape[1] != 1))
            throw new ArgumentException($"3-D positions must be [3, {batch} or 1, {length}], got {TensorShape.Format(positions.shape)}.", nameof(positions));
        return positions;
    }

    /// <summary>The default mask: new position i (absolute past + i) sees keys 0 … past + i. None for a single position.</summary>
    private static Tensor? CausalMask(long length, long pastLength, Device device)
    {
        if (length == 1) return null;
        var keys = arange(pastLength + length, dtype: ScalarType.Int64, device: device).unsqueeze(0);
        var queries = arange(pastLength, pastLength + length, dtype: ScalarType.Int64, device: device).unsqueeze(1);
        return keys.le(queries).unsqueeze(0).unsqueeze(0);
    }

    private static Tensor ValidateMask(Tensor mask, long batch, long length, long totalLength)
    {
        if (mask.dtype != ScalarType.Bool)
            throw new ArgumentException($"attentionMask must be boolean (true = may attend), got {mask.dtype}.", nameof(mask));
        var shape = mask.shape;
        if (shape.Length == 2 && shape[0] == length && shape[1] == totalLength) return mask.unsqueeze(0).unsqueeze(0);
        if (shape.Length == 4 && (shape[0] == batch || shape[0] == 1) && shape[1] == 1 && shape[2] == length && shape[3] == totalLength) return mask;
        throw new ArgumentException($"attentionMask must be [{length}, {totalLength}] or [{batch}, 1, {length}, {totalLength}], got {TensorShape.Format(shape)}.", nameof(mask));
    }

    private void InitializeWeights()
    {
        using var noGrad = no_grad();
        foreach (var (name, parameter) in named_parameters())
        {
            if (name.EndsWith("layernorm.weight", StringComparison.Ordinal) || name == "model.norm.weight") parameter.fill_(1.0);
            else if (name.EndsWith(".bias", StringComparison.Ordinal)) parameter.zero_();
            else parameter.normal_(0.0, 0.02);
        }
    }
}
