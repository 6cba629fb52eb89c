namespace PanGym.WorldModel;

/// <summary>How a multi-step rollout turns a stream of latent states into frames.</summary>
public enum VideoDecoding
{
    /// <summary>Each frame is sampled on its own, from pure noise to clean, conditioned on the previous emitted frame.</summary>
    StepByStep,

    /// <summary>
    /// Causal Swin-DPM (PAN §3.3): a sliding window of chunks at staggered noise levels denoised together, each chunk
    /// attending to itself and earlier chunks; needs a decoder trained on sequences of at least the window's length.
    /// </summary>
    SwinDpm,
}
