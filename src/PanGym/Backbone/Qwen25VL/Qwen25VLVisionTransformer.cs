using PanGym.Backbone.ImageProcessing;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace PanGym.Backbone.Qwen25VL;

/// <summary>
/// Qwen2.5-VL's vision tower (transformers' <c>Qwen2_5_VisionTransformerPretrainedModel</c>, registered as
/// <c>visual</c>): the patch rows of one or more images → patch embedding → 2-D rotary positions (a quarter of each head
/// turns with the patch's row, a quarter with its column) → the patches regrouped into attention windows
/// (<see cref="VisionPatchLayout"/>) → <see cref="Qwen25VLVisionConfig.Depth"/> blocks, each attending inside its
/// windows, except the blocks of <see cref="Qwen25VLVisionConfig.FullAttentionBlockIndexes"/>, which attend over the
/// whole frame → the patch merger (merge² patches into one token of the language model's width) → the tokens restored to
/// the processor's order. Parameter names are Hugging Face's (<c>patch_embed.proj.weight</c>,
/// <c>blocks.{i}.attn.qkv.weight</c>, <c>merger.mlp.0.weight</c>, …). In PAN this is the encoder h (PAN §4.2), frozen.
/// </summary>
public sealed class Qwen25VLVisionTransformer : nn.Module
{
    /// <summary>θ of the vision tower's rotary frequencies (fixed in transformers).</summary>
    public const double RopeTheta = 10000.0;

    [ComponentName(Name = "patch_embed")]
    private readonly VisionPatchEmbedding _patchEmbed;

    [ComponentName(Name = "blocks")]
    private readonly ModuleList<VisionBlock> _blocks;

    [ComponentName(Name = "merger")]
    private readonly VisionPatchMerger _merger;

    private readonly HashSet<int> _fullAttentionBlocks;

    /// <summary>Builds the tower with weights ~ N(0, 0.02²), biases 0 and norm weights 1 (transformers' initialisation).</summary>
    public Qwen25VLVisionTransformer(Qwen25VLVisionConfig config, ScalarType? dtype = null) : this(config, dtype, initialize: true)
    {
    }

    internal Qwen25VLVisionTransformer(Qwen25VLVisionConfig config, ScalarType? dtype, bool initialize) : base("Qwen2_5_VisionTransformerPretrainedModel")
    {
        Config = config ?? throw new ArgumentNullException(nameof(config));
        var weightDtype = dtype ?? ScalarType.Float32;
        if (!TorchDtypeNames.IsFloatingPoint(weightDtype))
            throw new ArgumentException($"Unsupported weight dtype {weightDtype}: expected float32, bfloat16 or float16.", nameof(dtype));
        _fullAttentionBlocks = config.FullAttentionBlockIndexes.ToHashSet();
        _patchEmbed = new VisionPatchEmbedding(config, weightDtype);
        _blocks = nn.ModuleList(Enumerable.Range(0, config.Depth).Select(_ => new VisionBlock(config, weightDtype)).ToArray());
        _merger = new VisionPatchMerger(config, weightDtype);
        RegisterComponents();
        if (initialize) InitializeWeights();
    }

    /// <summary>The architecture.</summary>
    public Qwen25VLVisionConfig Config { get; }

    /// <summary>The dtype the weights are held in now.</summary>
    public ScalarType DType => _merger.parameters().First().dtype;

    /// <summary>The device the weights are on now.</summary>
    public Device Device => _merger.parameters().First().device;

    /// <summary>
    /// The merged image tokens [Σ patches / merge², out hidden] of the images whose patch rows are stacked in
    /// <paramref name="pixelValues"/> [Σ patches, C·T·P·P], one grid per image in the same order; each image's tokens are
    /// consecutive and in the processor's order (merge blocks row-major). Images never attend to each other.
    /// </summary>
    /// <exception cref="ArgumentException">The rows do not match the grids or the patch row width.</exception>
    public Tensor Forward(Tensor pixelValues, IReadOnlyList<ImageGrid> grids)
    {
        ArgumentNullException.ThrowIfNull(pixelValues);
        ArgumentNullException.ThrowIfNull(grids);
        if (grids.Count == 0) throw new ArgumentException("The vision tower needs at least one image grid.", nameof(grids));
        long patches = grids.Sum(grid => (long)grid.Patches);
        if (pixelValues.dim() != 2 || pixelValues.shape[0] != patches || pixelValues.shape[1] != Config.PatchRowWidth)
            throw new ArgumentException(
                $"pixel_values must be [{patches}, {Config.PatchRowWidth}] for grids {string.Join(" ", grids.Select(grid => $"({grid.T}, {grid.H}, {grid.W})"))}, got {TensorShape.Format(pixelValues.shape)}.",
                nameof(pixelValues));
        var layout = VisionPatchLayout.For(grids, Config);

        using var scope = NewDisposeScope();
        var device = Device;
        var windowOrder = tensor(layout.WindowOrder, device: device);
        var hidden = InWindowOrder(_patchEmbed.forward(pixelValues.to(device)), windowOrder);
        var (cos, sin) = RotaryTables(layout, windowOrder, device);
        for (int index = 0; index < _blocks.Count; index++)
        {
            var segments = _fullAttentionBlocks.Contains(index) ? layout.FrameLengths : layout.WindowLengths;
            hidden = _blocks[index].Forward(hidden, cos, sin, segments);
        }
        var merged = _merger.forward(hidden);
        return merged.index_select(0, tensor(layout.RestoreOrder, device: device)).MoveToOuterDisposeScope();
    }

    /// <summary>Patch rows [N, W] regrouped by merged token into window order.</summary>
    private Tensor InWindowOrder(Tensor perPatch, Tensor windowOrder)
    {
        long length = perPatch.shape[0], width = perPatch.shape[1];
        return perPatch.view(length / Config.MergeUnit, Config.MergeUnit, width).index_select(0, windowOrder).view(length, width);
    }

    /// <summary>
    /// cos and sin [N, headDim] (float32) of the 2-D rotary angles, in window order: per patch, [row · f, column · f]
    /// with the headDim / 4 frequencies f of dimension headDim / 2, then repeated for the rotate-half pairs.
    /// </summary>
    private (Tensor Cos, Tensor Sin) RotaryTables(VisionPatchLayout layout, Tensor windowOrder, Device device)
    {
        var frequencies = RotaryEmbedding.InverseFrequencies(Config.HeadDim / 2, RopeTheta, device);
        var rows = tensor(layout.PatchRows, device: device).to(ScalarType.Float32).unsqueeze(1) * frequencies;
        var columns = tensor(layout.PatchColumns, device: device).to(ScalarType.Float32).unsqueeze(1) * frequencies;
        var angles = InWindowOrder(cat([rows, columns], dim: 1), windowOrder);
        return RotaryEmbedding.Tables(angles, ScalarType.Float32);
    }

    private void InitializeWeights()
    {
        using var noGrad = no_grad();
        foreach (var (name, parameter) in named_parameters())
        {
            if (name.Contains("norm", StringComparison.Ordinal) || name.Contains("ln_q", StringComparison.Ordinal)) parameter.fill_(1.0);
            else if (name.EndsWith(".bias", StringComparison.Ordinal)) parameter.zero_();
            else parameter.normal_(0.0, 0.02);
        }
    }
}
