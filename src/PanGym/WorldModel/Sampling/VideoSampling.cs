using static TorchSharp.torch;

namespace PanGym.WorldModel;

/// <summary>Chooses a video decoding mode and decodes whole latent trajectories.</summary>
public static class VideoSampling
{
    /// <summary>The streaming sampler that <paramref name="options"/> selects (<see cref="FlowSamplingOptions.Decoding"/>).</summary>
    public static IVideoSampler Create(FlowMatchingDecoder decoder, FlowSamplingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Decoding switch
        {
            VideoDecoding.StepByStep => new StepByStepVideoSampler(decoder, options),
            VideoDecoding.SwinDpm => new SwinDpmSampler(decoder, options),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Decoding, "Unknown video decoding."),
        };
    }

    /// <summary>
    /// Decodes a whole trajectory of latent states after a context frame: one frame per state, in order.
    /// </summary>
    /// <param name="sampler">The decoding mode; it is reset first.</param>
    /// <param name="contextFrame">The frame o_t the video follows, [B, 3, H, W] in model pixels.</param>
    /// <param name="latents">ŝ_{t+1…t+L}, [B, L, N, D].</param>
    /// <param name="generator">Source of all noise; null for torch's default generator.</param>
    /// <returns>The frames o_{t+1…t+L}, [B, L, 3, H, W] in [−1, 1].</returns>
    public static Tensor DecodeVideo(this IVideoSampler sampler, Tensor contextFrame, Tensor latents, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(sampler);
        ArgumentNullException.ThrowIfNull(latents);
        if (latents.dim() != 4 || latents.shape[1] == 0)
            throw new ArgumentException($"latents must be [B, L, N, D] with L ≥ 1; got {TensorShape.Format(latents.shape)}.", nameof(latents));
        using var scope = NewDisposeScope();
        sampler.Reset(contextFrame, generator);
        var frames = new List<Tensor>();
        for (int step = 0; step < latents.shape[1]; step++)
        {
            using var stepScope = NewDisposeScope();
            if (sampler.Push(latents.select(1, step)) is { } frame) frames.Add(frame.MoveToOuterDisposeScope());
        }
        frames.AddRange(sampler.Flush());
        return stack(frames, dim: 1).MoveToOuterDisposeScope();
    }
}
