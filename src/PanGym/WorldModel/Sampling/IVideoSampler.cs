using static TorchSharp.torch;

namespace PanGym.WorldModel;

/// <summary>
/// Streaming video decoding: a rollout supplies the latent state of each new step as the dynamics model predicts it,
/// and gets frames back in order, exactly one per latent state over <see cref="Push"/> and <see cref="Flush"/>. A
/// decoder may hold frames back while it refines them (Causal Swin-DPM emits a frame only when it leaves the window).
/// Emitted frames belong to the caller (they join the caller's dispose scope, if any); the sampler owns its state.
/// </summary>
public interface IVideoSampler : IDisposable
{
    /// <summary>Frames pushed but not yet emitted.</summary>
    int Pending { get; }

    /// <summary>Starts a new video after <paramref name="contextFrame"/>, dropping any pending frames.</summary>
    /// <param name="contextFrame">The last real frame o_t, [B, 3, H, W] in model pixels [−1, 1].</param>
    /// <param name="generator">Source of all noise of this video; null for torch's default generator.</param>
    void Reset(Tensor contextFrame, Generator? generator = null);

    /// <summary>Adds the latent state of the next step and returns the frame that is finished now, if any.</summary>
    /// <param name="latent">ŝ of the next step, [B, N, D].</param>
    /// <returns>A frame [B, 3, H, W] in [−1, 1], or null while the decoder is still refining.</returns>
    Tensor? Push(Tensor latent);

    /// <summary>Finishes every pending frame and returns them in order.</summary>
    IReadOnlyList<Tensor> Flush();
}
