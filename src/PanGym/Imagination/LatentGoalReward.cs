using PanGym.Gym;
using static TorchSharp.torch;
using PanGym.WorldModel;

namespace PanGym.Imagination;

/// <summary>
/// Goal-image similarity in latent space: the reward of an imagined step is minus the mean squared distance between its
/// latent state ŝ [N, D] and the encoding of a goal frame, so a planner steers the imagined states towards the goal
/// without decoding a pixel. Optionally the step terminates, with <see cref="SuccessReward"/>, once the distance falls to
/// <see cref="SuccessDistance"/>.
/// </summary>
/// <remarks>The distance is only as meaningful as the encoder's geometry: nearby frames must have nearby encodings.</remarks>
public sealed class LatentGoalReward : IImaginedReward, IDisposable
{
    readonly Tensor _goal;

    /// <summary>A reward towards <paramref name="goalLatent"/> ([N, D] or [1, N, D]; copied).</summary>
    /// <param name="goalLatent">The goal's latent state.</param>
    /// <param name="successDistance">Mean squared distance at or below which the step reaches the goal and terminates; null: never.</param>
    /// <param name="successReward">Reward of the step that reaches the goal (instead of minus the distance).</param>
    public LatentGoalReward(Tensor goalLatent, double? successDistance = null, double successReward = 0.0)
    {
        ArgumentNullException.ThrowIfNull(goalLatent);
        if (goalLatent.dim() == 3 && goalLatent.shape[0] == 1) goalLatent = goalLatent.squeeze(0);
        if (goalLatent.dim() != 2)
            throw new ArgumentException($"The goal latent must be [N, D] or [1, N, D]; got [{string.Join(", ", goalLatent.shape)}].", nameof(goalLatent));
        if (successDistance is { } d && !(d >= 0))
            throw new ArgumentOutOfRangeException(nameof(successDistance), d, "The success distance must be non-negative.");
        if (!double.IsFinite(successReward)) throw new ArgumentOutOfRangeException(nameof(successReward), successReward, "The success reward must be finite.");
        _goal = goalLatent.detach().to_type(ScalarType.Float32).clone().DetachFromDisposeScope();
        SuccessDistance = successDistance;
        SuccessReward = successReward;
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
    public Tensor Goal => _goal;

    /// <summary>Mean squared distance at which the goal counts as reached; null: never.</summary>
    public double? SuccessDistance { get; }

    /// <summary>Reward of the step that reaches the goal.</summary>
    public double SuccessReward { get; }

    /// <inheritdoc />
    public bool NeedsFrames => false;

    /// <summary>The mean squared distance [B] of each latent state [B, N, D] to the goal.</summary>
    public Tensor Distance(Tensor latents)
    {
        ArgumentNullException.ThrowIfNull(latents);
        if (latents.dim() != 3 || latents.shape[1] != _goal.shape[0] || latents.shape[2] != _goal.shape[1])
            throw new ArgumentException($"Latents must be [B, {_goal.shape[0]}, {_goal.shape[1]}] like the goal; got [{string.Join(", ", latents.shape)}].", nameof(latents));
        using var scope = NewDisposeScope();
        return (latents.to_type(ScalarType.Float32) - _goal.to(latents.device)).square().mean([1, 2]).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public StepRewards Evaluate(ImaginedStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        using var scope = NewDisposeScope();
        var distances = Distance(step.Latents).to_type(ScalarType.Float64).cpu().data<double>().ToArray();
        return StepRewards.FromDistances(distances, SuccessDistance, SuccessReward);
    }

    /// <inheritdoc />
    public void Dispose() => _goal.Dispose();
}
