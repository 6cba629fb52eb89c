namespace PanGym.WorldModel;

/// <summary>
/// The shape of the flow-matching video decoder g (<see cref="FlowMatchingDecoder"/>): a small DiT (Peebles &amp; Xie 2023)
/// over a sequence of chunks, one chunk per frame, conditioned on a latent state of <see cref="LatentTokens"/> ×
/// <see cref="LatentWidth"/> per chunk. Frames are square, <see cref="ImageSize"/> pixels a side. Validated once in the
/// constructor; the presets are <see cref="Tiny"/> (unit tests), <see cref="Small"/> (the CPU demo) and
/// <see cref="Pan"/> (paper-shaped, for a GPU).
/// </summary>
public sealed record FlowMatchingDecoderConfig
{
    /// <summary>Creates a configuration and checks that its sizes fit together.</summary>
    /// <param name="imageSize">Side of the square frames, in pixels; a multiple of <paramref name="patchSize"/>.</param>
    /// <param name="patchSize">Side of the square patches that become tokens.</param>
    /// <param name="width">Width of the transformer's residual stream; a multiple of <paramref name="heads"/> and of 4.</param>
    /// <param name="depth">Number of transformer blocks.</param>
    /// <param name="heads">Attention heads per block.</param>
    /// <param name="latentTokens">N: tokens in the latent state ŝ that conditions each chunk.</param>
    /// <param name="latentWidth">D: width of one latent token.</param>
    /// <param name="maxChunks">Longest chunk sequence the network accepts: the Swin-DPM window length plus one context
    /// chunk (also the size of the learned chunk-position table).</param>
    /// <param name="conditionNoise">Noise augmentation of the conditioning (context) frame in training: its flow time
    /// is drawn uniformly from [1 − conditionNoise, 1]; in [0, 1].</param>
    /// <param name="channels">Colour channels per frame (3 for RGB).</param>
    /// <param name="mlpRatio">Hidden width of each block's MLP as a multiple of <paramref name="width"/>.</param>
    public FlowMatchingDecoderConfig(
        int imageSize,
        int patchSize,
        int width,
        int depth,
        int heads,
        int latentTokens,
        int latentWidth,
        int maxChunks,
        double conditionNoise,
        int channels = 3,
        int mlpRatio = 4)
    {
        RequirePositive(nameof(imageSize), imageSize);
        RequirePositive(nameof(patchSize), patchSize);
        RequirePositive(nameof(width), width);
        RequirePositive(nameof(depth), depth);
        RequirePositive(nameof(heads), heads);
        RequirePositive(nameof(latentTokens), latentTokens);
        RequirePositive(nameof(latentWidth), latentWidth);
        RequirePositive(nameof(channels), channels);
        RequirePositive(nameof(mlpRatio), mlpRatio);
        if (imageSize % patchSize != 0)
            throw new ArgumentException($"imageSize ({imageSize}) must be a multiple of patchSize ({patchSize}).", nameof(imageSize));
        if (width % heads != 0)
            throw new ArgumentException($"width ({width}) must be a multiple of heads ({heads}).", nameof(width));
        if (width % 4 != 0)
            throw new ArgumentException($"width ({width}) must be a multiple of 4: the 2-D sine-cosine patch positions use a quarter each for sin and cos of row and column.", nameof(width));
        var (rows, columns) = EncoderConfig.GridFor(latentTokens);
        if (imageSize % rows != 0 || imageSize % columns != 0)
            throw new ArgumentException(
                $"latentTokens ({latentTokens}) paint a {rows}×{columns} grid of regions (LatentRenderer), which must divide imageSize ({imageSize}).", nameof(latentTokens));
        if (maxChunks < 2)
            throw new ArgumentException($"maxChunks ({maxChunks}) must be at least 2: one context chunk and one frame chunk.", nameof(maxChunks));
        if (!(conditionNoise >= 0.0 && conditionNoise <= 1.0))
            throw new ArgumentException($"conditionNoise ({conditionNoise}) must lie in [0, 1].", nameof(conditionNoise));

        ImageSize = imageSize;
        PatchSize = patchSize;
        Width = width;
        Depth = depth;
        Heads = heads;
        LatentTokens = latentTokens;
        LatentWidth = latentWidth;
        MaxChunks = maxChunks;
        ConditionNoise = conditionNoise;
        Channels = channels;
        MlpRatio = mlpRatio;
    }

    /// <summary>Unit-test size: 16×16 frames in 4×4 patches (16 tokens a chunk), width 64, depth 2; seconds to train.</summary>
    public static FlowMatchingDecoderConfig Tiny { get; } = new(
        imageSize: 16, patchSize: 4, width: 64, depth: 2, heads: 4,
        latentTokens: 8, latentWidth: 32, maxChunks: 5, conditionNoise: 0.1);

    /// <summary>The CPU demo: 32×32 frames in 4×4 patches (64 tokens a chunk), width 64, depth 2; minutes to train on two cores.</summary>
    public static FlowMatchingDecoderConfig Small { get; } = new(
        imageSize: 32, patchSize: 4, width: 64, depth: 2, heads: 4,
        latentTokens: 16, latentWidth: 64, maxChunks: 5, conditionNoise: 0.1);

    /// <summary>
    /// Paper-shaped (PAN conditions its video decoder on 256 latent tokens): 256×256 frames in 16×16 patches
    /// (256 tokens a chunk), a DiT-L sized transformer (width 1024, depth 24, 16 heads); for a GPU, not trained here.
    /// </summary>
    public static FlowMatchingDecoderConfig Pan { get; } = new(
        imageSize: 256, patchSize: 16, width: 1024, depth: 24, heads: 16,
        latentTokens: 256, latentWidth: 1024, maxChunks: 5, conditionNoise: 0.1);

    /// <summary>Side of the square frames, in pixels.</summary>
    public int ImageSize { get; }

    /// <summary>Side of the square patches that become tokens.</summary>
    public int PatchSize { get; }

    /// <summary>Width of the transformer's residual stream.</summary>
    public int Width { get; }

    /// <summary>Number of transformer blocks.</summary>
    public int Depth { get; }

    /// <summary>Attention heads per block.</summary>
    public int Heads { get; }

    /// <summary>N: tokens in the latent state ŝ that conditions each chunk.</summary>
    public int LatentTokens { get; }

    /// <summary>D: width of one latent token.</summary>
    public int LatentWidth { get; }

    /// <summary>Longest chunk sequence the network accepts: the Swin-DPM window length plus one context chunk.</summary>
    public int MaxChunks { get; }

    /// <summary>Training noise augmentation of the context frame: its flow time is uniform in [1 − this, 1].</summary>
    public double ConditionNoise { get; }

    /// <summary>Colour channels per frame.</summary>
    public int Channels { get; }

    /// <summary>Hidden width of each block's MLP as a multiple of <see cref="Width"/>.</summary>
    public int MlpRatio { get; }

    /// <summary>Patches along one side of a frame.</summary>
    public int PatchesPerSide => ImageSize / PatchSize;

    /// <summary>Tokens per chunk (patches per frame).</summary>
    public int TokensPerChunk => PatchesPerSide * PatchesPerSide;

    /// <summary>Values in one patch (channels × patch side²).</summary>
    public int PatchValues => Channels * PatchSize * PatchSize;

    /// <summary>The longest Swin-DPM window this network serves (one chunk of <see cref="MaxChunks"/> is the context).</summary>
    public int MaxWindow => MaxChunks - 1;

    /// <summary>This configuration with another latent shape, so that the decoder matches an encoder's N × D.</summary>
    public FlowMatchingDecoderConfig WithLatent(int latentTokens, int latentWidth) => new(
        ImageSize, PatchSize, Width, Depth, Heads, latentTokens, latentWidth, MaxChunks, ConditionNoise, Channels, MlpRatio);

    /// <summary>This configuration with another training noise level of the context frame.</summary>
    public FlowMatchingDecoderConfig WithConditionNoise(double level) => new(
        ImageSize, PatchSize, Width, Depth, Heads, LatentTokens, LatentWidth, MaxChunks, level, Channels, MlpRatio);

    private static void RequirePositive(string name, int value)
    {
        if (value <= 0) throw new ArgumentException($"{name} must be positive, got {value}.", name);
    }
}
