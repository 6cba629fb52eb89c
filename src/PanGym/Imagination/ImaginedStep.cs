using static TorchSharp.torch;

namespace PanGym.Imagination;

/// <summary>
/// What a reward function reads of one imagined step of B trajectories: the predicted latent states ŝ_{t+1}, the decoded
/// frames when the function asked for them (<see cref="IImaginedReward.NeedsFrames"/>), and the actions that led there.
/// The tensors belong to the caller and live only during <see cref="IImaginedReward.Evaluate"/>.
/// </summary>
/// <param name="Latents">Predicted latent states [B, N, D], float32.</param>
/// <param name="Frames">Decoded frames [B, 3, H, W] in model pixels [−1, 1], or null when frames were not decoded.</param>
/// <param name="Actions">The action each trajectory took at this step (B entries).</param>
/// <param name="Step">The step's index: 0 for the first action of an imagined rollout or an episode.</param>
public sealed record ImaginedStep(Tensor Latents, Tensor? Frames, IReadOnlyList<string> Actions, int Step)
{
    /// <summary>Number of trajectories B.</summary>
    public int BatchSize => (int)Latents.shape[0];
}
