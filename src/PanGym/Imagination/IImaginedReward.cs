namespace PanGym.Imagination;

/// <summary>
/// The reward and termination of imagined steps, pluggable into <see cref="PanEnv"/>, <see cref="PanVectorEnv"/> and the
/// planners' <see cref="BatchedImagination"/>: goal-image similarity in latent space (<see cref="LatentGoalReward"/>) or
/// pixel space (<see cref="PixelGoalReward"/>), a state probe's goal test on decoded frames (<see cref="ProbeGoalReward"/>),
/// or the user's own delegate (<see cref="DelegateReward"/>).
/// </summary>
/// <remarks>
/// A reward that reads only latents lets imagination stay in latent space, which is what makes planning affordable:
/// decoding a frame costs K passes of the decoder, far more than one step of the dynamics.
/// </remarks>
public interface IImaginedReward
{
    /// <summary>Whether <see cref="Evaluate"/> reads <see cref="ImaginedStep.Frames"/> (they are then decoded for it).</summary>
    bool NeedsFrames { get; }

    /// <summary>Rewards and terminations of the B trajectories of <paramref name="step"/>, in order.</summary>
    StepRewards Evaluate(ImaginedStep step);
}
