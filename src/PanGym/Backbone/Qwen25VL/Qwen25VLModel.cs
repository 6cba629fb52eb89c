using PanGym.Backbone.ImageProcessing;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace PanGym.Backbone.Qwen25VL;

/// <summary>
/// Qwen2.5-VL (transformers' <c>Qwen2_5_VLForConditionalGeneration</c>): the vision tower <see cref="Visual"/> turns each
/// image into merged tokens of the language model's width; they replace the prompt's <c>&lt;|image_pad|&gt;</c> tokens in
/// order; the language model <see cref="LanguageModel"/> (a <see cref="Qwen2Model"/> with M-RoPE) reads the sequence at
/// the 3-D positions of <see cref="MultimodalPositions"/>, and decode steps continue at position L + rope delta. A prompt
/// without images gives exactly the positions, and so the logits, of the same weights run as a text-only Qwen2.
/// </summary>
/// <remarks>
/// Module names: <c>visual.*</c> (Hugging Face's names below <c>visual</c>) and <c>language_model.model.*</c> /
/// <c>language_model.lm_head.weight</c>; <see cref="Qwen25VLCheckpoint"/> maps both checkpoint layouts onto them. Every
/// method returns new tensors that belong to the caller's dispose scope.
/// </remarks>
public sealed class Qwen25VLModel : nn.Module
{
    [ComponentName(Name = "visual")]
    private readonly Qwen25VLVisionTransformer _visual;

    [ComponentName(Name = "language_model")]
    private readonly Qwen2Model _languageModel;

    /// <summary>Builds a randomly initialised model (transformers' initialisation: weights ~ N(0, 0.02²), biases 0, norms 1).</summary>
    public Qwen25VLModel(Qwen25VLConfig config, ScalarType? dtype = null) : this(config, dtype, initialize: true)
    {
    }

    internal Qwen25VLModel(Qwen25VLConfig config, ScalarType? dtype, bool initialize) : base("Qwen2_5_VLForConditionalGeneration")
    {
        Config = config ?? throw new ArgumentNullException(nameof(config));
        _visual = new Qwen25VLVisionTransformer(config.Vision, dtype, initialize);
        _languageModel = new Qwen2Model(config.Text, dtype, initialize, config.MropeSection);
        RegisterComponents();
    }

    /// <summary>The architecture.</summary>
    public Qwen25VLConfig Config { get; }

    /// <summary>The vision tower.</summary>
    public Qwen25VLVisionTransformer Visual => _visual;

    /// <summary>The language model (Qwen2 decoder with M-RoPE).</summary>
    public Qwen2Model LanguageModel => _languageModel;

    /// <summary>The dtype the weights are held in now.</summary>
    public ScalarType DType => _languageModel.DType;

    /// <summary>The device the weights are on now.</summary>
    public Device Device => _languageModel.Device;

    /// <summary>An empty KV cache for the language model.</summary>
    public KvCache CreateCache(int batchSize = 1, int initialCapacity = 64) => _languageModel.CreateCache(batchSize, initialCapacity);

    /// <summary>The merged tokens [Σ tokens, hidden] of <paramref name="images"/>, image after image, in the model's dtype.</summary>
    public Tensor EncodeImages(IReadOnlyList<ProcessedImage> images)
    {
        using var scope = NewDisposeScope();
        var pixelValues = ProcessedImage.Stack(images, Device);
        return _visual.Forward(pixelValues, images.Select(image => image.Grid).ToArray()).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Input embeddings [1, T, hidden] of the prompt: token embeddings, with the image tokens placed over the
    /// <c>&lt;|image_pad|&gt;</c> positions in order.
    /// </summary>
    /// <exception cref="ArgumentException">The number of <c>&lt;|image_pad|&gt;</c> tokens differs from the images' token count.</exception>
    public Tensor Embed(Qwen25VLPrompt prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        using var scope = NewDisposeScope();
        var embeddings = _languageModel.Embed(tensor(prompt.Ids, [1, prompt.Ids.Length], device: Device));
        if (prompt.Images.Count == 0) return embeddings.MoveToOuterDisposeScope();
        var slots = Enumerable.Range(0, prompt.Ids.Length).Where(i => prompt.Ids[i] == Config.ImageTokenId).Select(i => (long)i).ToArray();
        var features = EncodeImages(prompt.Images);
        if (slots.Length != features.shape[0])
            throw new ArgumentException($"Image features and image tokens do not match: the prompt has {slots.Length} <|image_pad|> tokens, the images make {features.shape[0]}.", nameof(prompt));
        var placed = embeddings[0].index_copy(0, tensor(slots, device: Device), features.to(embeddings.dtype));
        return placed.unsqueeze(0).MoveToOuterDisposeScope();
    }

    /// <summary>The prompt's 3-D rotary positions and rope delta (<see cref="MultimodalPositions.Compute"/>).</summary>
    public MultimodalPositions Positions(Qwen25VLPrompt prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        return MultimodalPositions.Compute(prompt.Ids, prompt.Grids, Config);
    }

    /// <summary>
    /// Logits [1, T, V] of every prompt position. With a cache (which must be empty: the positions depend on the whole
    /// prompt) the prompt's keys and values are stored for <see cref="DecodeStep"/>.
    /// </summary>
    public Tensor Forward(Qwen25VLPrompt prompt, KvCache? cache = null)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        if (cache is { Length: > 0 })
            throw new ArgumentException($"A multimodal prompt starts a sequence, but the cache already holds {cache.Length} positions.", nameof(cache));
        using var scope = NewDisposeScope();
        var positions = Positions(prompt).ToTensor(Device);
        var hidden = _languageModel.ForwardEmbeddings(Embed(prompt), cache, positions);
        return _languageModel.Logits(hidden).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Logits [B, k, V] of k new tokens [B, k] after the cached ones: the token at cache index L sits at position
    /// L + <paramref name="ropeDelta"/> in all three components (the prompt's <see cref="MultimodalPositions.RopeDelta"/>).
    /// </summary>
    public Tensor DecodeStep(Tensor ids, KvCache cache, long ropeDelta)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(cache);
        if (ids.dim() != 2) throw new ArgumentException($"Decode ids must be [B, k], got {TensorShape.Format(ids.shape)}.", nameof(ids));
        using var scope = NewDisposeScope();
        long length = ids.shape[1], first = cache.Length + ropeDelta;
        var positions = arange(first, first + length, dtype: ScalarType.Int64, device: Device).view(1, 1, length).expand(3, 1, length);
        return _languageModel.Forward(ids.to(Device), cache, positions).MoveToOuterDisposeScope();
    }
}
