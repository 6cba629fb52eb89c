namespace PanGym.Backbone.Qwen25VL;

/// <summary>
/// The shape of Qwen2.5-VL's vision tower (transformers' <c>Qwen2_5_VLVisionConfig</c>, the <c>vision_config</c> of
/// config.json): a patch embedding over <see cref="TemporalPatchSize"/> × <see cref="PatchSize"/>² pixel cubes,
/// <see cref="Depth"/> pre-norm blocks of width <see cref="HiddenSize"/> that attend inside windows of
/// <see cref="WindowSize"/> pixels except the blocks in <see cref="FullAttentionBlockIndexes"/>, and a merger of
/// <see cref="SpatialMergeSize"/>² neighbouring patches into one token of width <see cref="OutHiddenSize"/> (the language
/// model's width). Validated once in the constructor; a setting the tower does not implement is refused with its field.
/// </summary>
public sealed record Qwen25VLVisionConfig
{
    /// <summary>Creates a configuration and checks that its sizes fit together.</summary>
    /// <param name="depth">Vision blocks (<c>depth</c>).</param>
    /// <param name="hiddenSize">Width of the tower (<c>hidden_size</c>).</param>
    /// <param name="intermediateSize">Width of each block's SiLU-gated MLP (<c>intermediate_size</c>).</param>
    /// <param name="numHeads">Attention heads per block (<c>num_heads</c>); hidden / heads must be a multiple of 4 for
    /// the 2-D rotary positions (a quarter of each head per axis, sin and cos).</param>
    /// <param name="outHiddenSize">Width of a merged token (<c>out_hidden_size</c>), the language model's hidden size.</param>
    /// <param name="patchSize">Side of a patch in pixels (<c>patch_size</c>).</param>
    /// <param name="spatialMergeSize">Side of the square of patches the merger joins (<c>spatial_merge_size</c>).</param>
    /// <param name="temporalPatchSize">Frames per patch (<c>temporal_patch_size</c>); a still image is repeated this often.</param>
    /// <param name="windowSize">Side of an attention window in pixels (<c>window_size</c>).</param>
    /// <param name="fullAttentionBlockIndexes">Blocks that attend over the whole frame (<c>fullatt_block_indexes</c>).</param>
    /// <param name="tokensPerSecond">Temporal rotary steps per second of video (<c>tokens_per_second</c>); images use 0.</param>
    /// <param name="inChannels">Colour channels (<c>in_channels</c> or the older <c>in_chans</c>); only 3 (RGB).</param>
    public Qwen25VLVisionConfig(
        int depth,
        int hiddenSize,
        int intermediateSize,
        int numHeads,
        int outHiddenSize,
        int patchSize = 14,
        int spatialMergeSize = 2,
        int temporalPatchSize = 2,
        int windowSize = 112,
        IReadOnlyList<int>? fullAttentionBlockIndexes = null,
        int tokensPerSecond = 2,
        int inChannels = 3)
    {
        foreach (var (field, value) in new[]
        {
            ("depth", depth), ("hidden_size", hiddenSize), ("intermediate_size", intermediateSize), ("num_heads", numHeads),
            ("out_hidden_size", outHiddenSize), ("patch_size", patchSize), ("spatial_merge_size", spatialMergeSize),
            ("temporal_patch_size", temporalPatchSize), ("window_size", windowSize),
        })
        {
            if (value <= 0) throw new ArgumentException($"vision_config.{field} must be positive, got {value}.");
        }
        if (tokensPerSecond < 0) throw new ArgumentException($"vision_config.tokens_per_second must be non-negative, got {tokensPerSecond}.");
        if (inChannels != 3)
            throw new ArgumentException($"Unsupported vision_config.in_channels {inChannels}: the image processor makes RGB patches (3 channels).");
        if (hiddenSize % numHeads != 0)
            throw new ArgumentException($"vision_config.hidden_size ({hiddenSize}) must be a multiple of num_heads ({numHeads}).");
        if (hiddenSize / numHeads % 4 != 0)
            throw new ArgumentException($"vision_config head width hidden_size / num_heads = {hiddenSize / numHeads} must be a multiple of 4: the 2-D rotary positions rotate a quarter of each head per axis.");
        if (windowSize / spatialMergeSize / patchSize < 1)
            throw new ArgumentException($"vision_config.window_size ({windowSize}) must span at least one merged patch ({spatialMergeSize} × {patchSize} pixels).");
        var fullAttention = (fullAttentionBlockIndexes ?? [7, 15, 23, 31]).ToArray();
        foreach (var index in fullAttention)
        {
            if (index < 0 || index >= depth)
                throw new ArgumentException($"vision_config.fullatt_block_indexes names block {index}, outside the tower's {depth} blocks.");
        }

        Depth = depth;
        HiddenSize = hiddenSize;
        IntermediateSize = intermediateSize;
        NumHeads = numHeads;
        OutHiddenSize = outHiddenSize;
        PatchSize = patchSize;
        SpatialMergeSize = spatialMergeSize;
        TemporalPatchSize = temporalPatchSize;
        WindowSize = windowSize;
        FullAttentionBlockIndexes = fullAttention;
        TokensPerSecond = tokensPerSecond;
        InChannels = inChannels;
    }

    /// <summary>The tower of Qwen2.5-VL-3B/7B/32B/72B (about 0.67 B parameters), merging into <paramref name="outHiddenSize"/>.</summary>
    public static Qwen25VLVisionConfig Released(int outHiddenSize) => new(
        depth: 32, hiddenSize: 1280, intermediateSize: 3420, numHeads: 16, outHiddenSize: outHiddenSize,
        patchSize: 14, spatialMergeSize: 2, temporalPatchSize: 2, windowSize: 112, fullAttentionBlockIndexes: [7, 15, 23, 31],
        tokensPerSecond: 2);

    /// <summary>Vision blocks.</summary>
    public int Depth { get; }

    /// <summary>Width of the tower.</summary>
    public int HiddenSize { get; }

    /// <summary>Width of each block's MLP.</summary>
    public int IntermediateSize { get; }

    /// <summary>Attention heads per block.</summary>
    public int NumHeads { get; }

    /// <summary>Width of one attention head.</summary>
    public int HeadDim => HiddenSize / NumHeads;

    /// <summary>Width of a merged token: the language model's hidden size.</summary>
    public int OutHiddenSize { get; }

    /// <summary>Side of a patch in pixels.</summary>
    public int PatchSize { get; }

    /// <summary>Side of the square of patches merged into one token.</summary>
    public int SpatialMergeSize { get; }

    /// <summary>Frames per patch.</summary>
    public int TemporalPatchSize { get; }

    /// <summary>Side of an attention window in pixels.</summary>
    public int WindowSize { get; }

    /// <summary>The blocks that attend over the whole frame instead of inside windows.</summary>
    public IReadOnlyList<int> FullAttentionBlockIndexes { get; }

    /// <summary>Temporal rotary steps per second of video.</summary>
    public int TokensPerSecond { get; }

    /// <summary>Colour channels (3).</summary>
    public int InChannels { get; }

    /// <summary>Values per patch row of <c>pixel_values</c>: channels × temporal patch × patch².</summary>
    public int PatchRowWidth => InChannels * TemporalPatchSize * PatchSize * PatchSize;

    /// <summary>Patches merged into one token (merge size²).</summary>
    public int MergeUnit => SpatialMergeSize * SpatialMergeSize;

    /// <summary>Side of an attention window in merged tokens (transformers' <c>vit_merger_window_size</c>).</summary>
    public int WindowMergedTokens => WindowSize / SpatialMergeSize / PatchSize;

    /// <summary>Two configurations are equal when every field is, the block lists element by element.</summary>
    public bool Equals(Qwen25VLVisionConfig? other) =>
        other is not null && Depth == other.Depth && HiddenSize == other.HiddenSize && IntermediateSize == other.IntermediateSize
        && NumHeads == other.NumHeads && OutHiddenSize == other.OutHiddenSize && PatchSize == other.PatchSize
        && SpatialMergeSize == other.SpatialMergeSize && TemporalPatchSize == other.TemporalPatchSize
        && WindowSize == other.WindowSize && TokensPerSecond == other.TokensPerSecond && InChannels == other.InChannels
        && FullAttentionBlockIndexes.SequenceEqual(other.FullAttentionBlockIndexes);

    /// <summary>A hash consistent with <see cref="Equals(Qwen25VLVisionConfig?)"/>.</summary>
    public override int GetHashCode() =>
        HashCode.Combine(HashCode.Combine(Depth, HiddenSize, IntermediateSize, NumHeads, OutHiddenSize),
            HashCode.Combine(PatchSize, SpatialMergeSize, TemporalPatchSize, WindowSize, TokensPerSecond, FullAttentionBlockIndexes.Count));
}
