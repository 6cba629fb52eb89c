using static TorchSharp.torch;

namespace PanGym.WorldModel;

/// <summary>How a <see cref="FlowMatchingDecoder"/> cuts frame chunks into patch tokens and puts them back together.</summary>
internal sealed class ChunkPatches(FlowMatchingDecoderConfig config)
{
    /// <summary>[B, C, ch, H, W] → [B, C, T, ch·P·P], patches in row-major order.</summary>
    public Tensor Patchify(Tensor frames)
    {
        long batch = frames.shape[0], chunks = frames.shape[1];
        int side = config.PatchesPerSide, patch = config.PatchSize;
        return frames.reshape(batch, chunks, config.Channels, side, patch, side, patch)
            .permute(0, 1, 3, 5, 2, 4, 6)
            .reshape(batch, chunks, config.TokensPerChunk, config.PatchValues);
    }

    /// <summary>[B, C, ch, H, W] → [B, C, T, 9·ch·P·P]: each patch with its eight neighbours (zeros beyond the frame's edge).</summary>
    public Tensor Neighbourhoods(Tensor frames)
    {
        long batch = frames.shape[0], chunks = frames.shape[1];
        int patch = config.PatchSize;
        var flat = frames.flatten(0, 1);
        var windows = nn.functional.unfold(flat, 3 * patch, padding: patch, stride: patch);
        return windows.transpose(1, 2).reshape(batch, chunks, config.TokensPerChunk, 9 * config.PatchValues);
    }

    /// <summary>[B, C, T, ch·P·P] → [B, C, ch, H, W], the inverse of <see cref="Patchify"/>.</summary>
    public Tensor Unpatchify(Tensor patches, long batch, long chunks)
    {
        int side = config.PatchesPerSide, patch = config.PatchSize;
        return patches.reshape(batch, chunks, side, side, config.Channels, patch, patch)
            .permute(0, 1, 4, 2, 5, 3, 6)
            .reshape(batch, chunks, config.Channels, config.ImageSize, config.ImageSize);
    }
}
