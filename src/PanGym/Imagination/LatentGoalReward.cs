using PanGym.Gym;
using static TorchSharp.torch;
using PanGym.WorldModel;

namespace PanGym.Imagination;

/// <summary>
/// Goal-image similarity in latent space: the reward of an imagined step is minus the mean squared distance between its
/// latent state ŝ [N, D] and the encoding of a goal frame, so a planner steers the imagined states towards the goal
/// without decoding a pixel. Optionally the step terminates, with <see cref="GoalDistanceReward.SuccessReward"/>, once the distance falls to
/// <see cref="SuccessDistance"/>.
/// </summary>
/// <remarks>The distance is only as meaningful as the encoder's geometry: nearby frames must have nearby encodings.</remarks>
public sealed class LatentGoalReward : GoalDistanceReward
{
    /// <summary>A reward towards <paramref name="goalLatent"/> ([N, D] or [1, N, D]; copied).</summary>
    /// <param name="goalLatent">The goal's latent state.</param>
    /// <param name="successDistance">Mean squared distance at or below which the step reaches the goal and terminates; null: never.</param>
    /// <param name="successReward">Reward of the step that reaches the goal (instead of minus the distance).</param>
    public LatentGoalReward(Tensor goalLatent, double? successDistance = null, double successReward = 0.0)
        : base(Checked(goalLatent), successDistance, successReward, nameof(successDistance)) => SuccessDistance = successDistance;

    static Tensor Checked(Tensor goalLatent)
    {
        ArgumentNullException.ThrowIfNull(goalLatent);
        if (goalLatent.dim() == 3 && goalLatent.shape[0] == 1) goalLatent = goalLatent.squeeze(0);
        if (goalLatent.dim() != 2)
            throw new ArgumentException($"The goal latent must be [N, D] or [1, N, D]; got {TensorShape.Format(goalLatent.shape)}.", nameof(goalLatent));
        return goalLatent;
    }

    /// <summary>A reward towards the encoding of <paramref name="goal"/> by <paramref name="model"/>'s encoder h.</summary>
    public static LatentGoalReward FromImage(PanWorldModel model, Image goal, double? successDistance = null, double successReward = 0.0)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(goal);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        return new LatentGoalReward(model.Encode(model.ToModelPixels([goal])), successDistance, successReward);
    }

    /// <summary>The goal's latent state [N, D].</summary>
    public Tensor Goal => GoalTensor;

    /// <summary>Mean squared distance at which the goal counts as reached; null: never.</summary>
    public double? SuccessDistance { get; }

    /// <inheritdoc />
    public override bool NeedsFrames => false;

    /// <summary>The mean squared distance [B] of each latent state [B, N, D] to the goal.</summary>
    public Tensor Distance(Tensor latents)
    {
        ArgumentNullException.ThrowIfNull(latents);
        if (latents.dim() != 3 || latents.shape[1] != GoalTensor.shape[0] || latents.shape[2] != GoalTensor.shape[1])
            throw new ArgumentException($"Latents must be [B, {GoalTensor.shape[0]}, {GoalTensor.shape[1]}] like the goal; got {TensorShape.Format(latents.shape)}.", nameof(latents));
        using var scope = NewDisposeScope();
        return (latents.to_type(ScalarType.Float32) - GoalTensor.to(latents.device)).square().mean([1, 2]).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    protected override Tensor Distances(ImaginedStep step) => Distance(step.Latents);
}
