using static TorchSharp.torch;

namespace PanGym.WorldModel;

/// <summary>The argument and shape checks of a <see cref="FlowMatchingDecoder"/>'s inputs, against its sizes.</summary>
internal sealed class FlowMatchingDecoderInputs(FlowMatchingDecoderConfig config)
{
    /// <summary>Checks chunks [B, C, ch, H, W] with C ≤ MaxChunks, their flow times [B, C] and latent states [B, C, N, D].</summary>
    /// <exception cref="ArgumentException">One of them has the wrong shape.</exception>
    public (long Batch, long Chunks) CheckChunks(Tensor noisyChunks, Tensor tau, Tensor latents, string chunksName)
    {
        CheckChunkFrames(noisyChunks, chunksName);
        long batch = noisyChunks.shape[0], chunks = noisyChunks.shape[1];
        if (chunks > config.MaxChunks)
            throw new ArgumentException($"{chunksName} has {chunks} chunks; this decoder takes at most MaxChunks = {config.MaxChunks}.", chunksName);
        if (tau.dim() != 2 || tau.shape[0] != batch || tau.shape[1] != chunks)
            throw new ArgumentException($"{nameof(tau)} must be [B, C] = [{batch}, {chunks}]; got {TensorShape.Format(tau.shape)}.", nameof(tau));
        if (latents.dim() != 4 || latents.shape[0] != batch || latents.shape[1] != chunks
            || latents.shape[2] != config.LatentTokens || latents.shape[3] != config.LatentWidth)
            throw new ArgumentException(
                $"{nameof(latents)} must be [B, C, N, D] = [{batch}, {chunks}, {config.LatentTokens}, {config.LatentWidth}]; got {TensorShape.Format(latents.shape)}.",
                nameof(latents));
        return (batch, chunks);
    }

    /// <summary>Checks the inputs of <see cref="FlowMatchingDecoder.CleanAfterContext"/>; returns the batch size.</summary>
    /// <exception cref="ArgumentException">One of them has the wrong shape, or their batches differ.</exception>
    public long CheckAfterContext(Tensor contextFrame, Tensor contextTau, Tensor chunks, Tensor tau, Tensor latents)
    {
        CheckFrame(contextFrame, nameof(contextFrame));
        var (batch, _) = CheckChunks(chunks, tau, latents, nameof(chunks));
        if (contextFrame.shape[0] != batch)
            throw new ArgumentException($"{nameof(contextFrame)} has batch {contextFrame.shape[0]}, {nameof(chunks)} has {batch}.", nameof(contextFrame));
        if (contextTau.dim() != 1 || contextTau.shape[0] != batch)
            throw new ArgumentException($"{nameof(contextTau)} must be [B] = [{batch}]; got {TensorShape.Format(contextTau.shape)}.", nameof(contextTau));
        return batch;
    }

    /// <summary>Checks the frames of <see cref="FlowMatchingDecoder.Loss"/>; returns the batch size and the number of target chunks.</summary>
    /// <exception cref="ArgumentException">One of them has the wrong shape, their batches differ, or there are too many chunks.</exception>
    public (long Batch, long Chunks) CheckLoss(Tensor targetFrames, Tensor contextFrame)
    {
        CheckChunkFrames(targetFrames, nameof(targetFrames));
        CheckFrame(contextFrame, nameof(contextFrame));
        long batch = targetFrames.shape[0], chunks = targetFrames.shape[1];
        if (contextFrame.shape[0] != batch)
            throw new ArgumentException($"{nameof(contextFrame)} has batch {contextFrame.shape[0]}, {nameof(targetFrames)} has {batch}.", nameof(contextFrame));
        if (chunks + 1 > config.MaxChunks)
            throw new ArgumentException($"{nameof(targetFrames)} has {chunks} chunks; with the context chunk that exceeds MaxChunks ({config.MaxChunks}).", nameof(targetFrames));
        return (batch, chunks);
    }

    /// <summary>Checks frame chunks [B, C, ch, H, W].</summary>
    /// <exception cref="ArgumentException">They have the wrong shape.</exception>
    public void CheckChunkFrames(Tensor frames, string name)
    {
        if (frames.dim() != 5 || frames.shape[2] != config.Channels || frames.shape[3] != config.ImageSize || frames.shape[4] != config.ImageSize)
            throw new ArgumentException(
                $"{name} must be [B, C, {config.Channels}, {config.ImageSize}, {config.ImageSize}]; got {TensorShape.Format(frames.shape)}.", name);
    }

    /// <summary>Checks frames [B, ch, H, W].</summary>
    /// <exception cref="ArgumentException">They have the wrong shape.</exception>
    public void CheckFrame(Tensor frame, string name)
    {
        if (frame.dim() != 4 || frame.shape[1] != config.Channels || frame.shape[2] != config.ImageSize || frame.shape[3] != config.ImageSize)
            throw new ArgumentException(
                $"{name} must be [B, {config.Channels}, {config.ImageSize}, {config.ImageSize}]; got {TensorShape.Format(frame.shape)}.", name);
    }

    /// <summary>Checks latent states [B, N, D] of batch <paramref name="batch"/>.</summary>
    /// <exception cref="ArgumentException">They have the wrong shape.</exception>
    public void CheckLatent(Tensor latent, long batch, string name)
    {
        if (latent.dim() != 3 || latent.shape[0] != batch || latent.shape[1] != config.LatentTokens || latent.shape[2] != config.LatentWidth)
            throw new ArgumentException(
                $"{name} must be [B, N, D] = [{batch}, {config.LatentTokens}, {config.LatentWidth}]; got {TensorShape.Format(latent.shape)}.", name);
    }
}
