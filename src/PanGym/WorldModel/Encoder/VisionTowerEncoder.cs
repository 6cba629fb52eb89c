using PanGym.Backbone.ImageProcessing;
using PanGym.Backbone.Qwen25VL;
using static TorchSharp.torch;

namespace PanGym.WorldModel;

/// <summary>
/// The encoder h of PAN's own configuration (PAN §4.2): Qwen2.5-VL's vision tower, frozen. A frame of
/// <see cref="ImageSize"/>² pixels (a multiple of patch × merge, so the processor would not resize it) is rescaled to
/// [0, 1] and normalised with the checkpoint's mean and standard deviation, repeated for the temporal patch, cut into
/// patch rows in Hugging Face's order, and run through the tower; the latent state is the tower's output: N =
/// (size / (patch × merge))² tokens of the language model's width, in the processor's order (merge blocks row-major),
/// so token k lies at row k / √N, column k % √N of the latent grid. Deterministic; no parameter of it trains.
/// </summary>
public sealed class VisionTowerEncoder : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // RegisterComponents takes the state-dict key from the field name: these keep the checkpoint's names.
    readonly Qwen25VLVisionTransformer tower;
    readonly Tensor imageMean;
    readonly Tensor imageStd;
#pragma warning restore IDE1006

    /// <summary>Wraps <paramref name="tower"/> (which it takes ownership of and freezes) for frames of <paramref name="imageSize"/>² pixels.</summary>
    /// <param name="tower">The vision tower.</param>
    /// <param name="imageSize">Frame side in pixels; a multiple of patch × merge.</param>
    /// <param name="imageMean">Per-channel mean of the image processor (CLIP's when null, as Qwen2.5-VL ships).</param>
    /// <param name="imageStd">Per-channel standard deviation of the image processor (CLIP's when null).</param>
    public VisionTowerEncoder(Qwen25VLVisionTransformer tower, int imageSize, IReadOnlyList<double>? imageMean = null, IReadOnlyList<double>? imageStd = null)
        : base(nameof(VisionTowerEncoder))
    {
        this.tower = tower ?? throw new ArgumentNullException(nameof(tower));
        var config = tower.Config;
        int factor = config.PatchSize * config.SpatialMergeSize;
        if (imageSize <= 0 || imageSize % factor != 0)
            throw new ArgumentException($"A vision-tower encoder needs frames whose side is a multiple of patch × merge = {factor}; got {imageSize}.", nameof(imageSize));
        ImageSize = imageSize;
        Grid = new ImageGrid(1, imageSize / config.PatchSize, imageSize / config.PatchSize);
        this.imageMean = tensor((imageMean ?? Qwen2VLImageProcessorConfig.ClipMean).Select(v => (float)v).ToArray(), [1, 3, 1, 1]);
        this.imageStd = tensor((imageStd ?? Qwen2VLImageProcessorConfig.ClipStd).Select(v => (float)v).ToArray(), [1, 3, 1, 1]);
        RegisterComponents();
        foreach (var parameter in tower.parameters()) parameter.requires_grad = false;
    }

    /// <summary>The frozen vision tower.</summary>
    public Qwen25VLVisionTransformer Tower => tower;

    /// <summary>Frame side in pixels.</summary>
    public int ImageSize { get; }

    /// <summary>The patch grid of one frame.</summary>
    public ImageGrid Grid { get; }

    /// <summary>N: latent tokens per frame (the tower's merged tokens).</summary>
    public int LatentTokens => Grid.MergedTokens(tower.Config.SpatialMergeSize);

    /// <summary>D: width of a latent token (the language model's hidden size).</summary>
    public int LatentWidth => tower.Config.OutHiddenSize;

    /// <summary>Encodes frames [B, 3, H, W] with pixels in [−1, 1] into latent states [B, N, D] (float32), without gradients.</summary>
    public override Tensor forward(Tensor frames)
    {
        if (frames.dim() != 4 || frames.shape[1] != 3 || frames.shape[2] != ImageSize || frames.shape[3] != ImageSize)
            throw new ArgumentException($"The vision-tower encoder takes frames [B, 3, {ImageSize}, {ImageSize}]; got {TensorShape.Format(frames.shape)}.", nameof(frames));
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var config = tower.Config;
        long batch = frames.shape[0];
        int patch = config.PatchSize, merge = config.SpatialMergeSize, temporal = config.TemporalPatchSize;
        long blocks = Grid.H / merge;
        var normalized = ((frames.to(ScalarType.Float32) + 1f) / 2f - imageMean) / imageStd;
        var rows = normalized.unsqueeze(1).expand(batch, temporal, 3, ImageSize, ImageSize)
            .reshape(batch, temporal, 3, blocks, merge, patch, blocks, merge, patch)
            .permute(0, 3, 6, 4, 7, 2, 1, 5, 8)
            .reshape(batch * Grid.Patches, config.PatchRowWidth);
        var tokens = tower.Forward(rows, Enumerable.Repeat(Grid, (int)batch).ToArray());
        return tokens.view(batch, LatentTokens, LatentWidth).to(ScalarType.Float32).MoveToOuterDisposeScope();
    }
}
