using PanGym.Gym;
using static TorchSharp.torch;
using PanGym.WorldModel;

namespace PanGym.Imagination;

/// <summary>
/// Goal-image similarity in pixel space: the reward of an imagined step is minus the mean squared error between its
/// decoded frame and a goal frame (in model pixels, [−1, 1]). Needs decoded frames, so every imagined step pays for the
/// decoder's K passes. Optionally the step terminates, with <see cref="GoalDistanceReward.SuccessReward"/>, once the error falls to
/// <see cref="SuccessError"/>.
/// </summary>
public sealed class PixelGoalReward : GoalDistanceReward
{
    /// <summary>A reward towards <paramref name="goalFrame"/>, model pixels [3, H, W] or [1, 3, H, W] (copied).</summary>
    /// <param name="goalFrame">The goal frame in [−1, 1].</param>
    /// <param name="successError">Mean squared error at or below which the goal counts as reached; null: never.</param>
    /// <param name="successReward">Reward of the step that reaches the goal.</param>
    public PixelGoalReward(Tensor goalFrame, double? successError = null, double successReward = 0.0)
        : base(CheckedGoalFrame(goalFrame), successError, successReward, nameof(successError)) => SuccessError = successError;

    /// <summary>A reward towards <paramref name="goal"/>, converted as <paramref name="model"/> converts its frames.</summary>
    public static PixelGoalReward FromImage(PanWorldModel model, Image goal, double? successError = null, double successReward = 0.0)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(goal);
        using var scope = NewDisposeScope();
        return new PixelGoalReward(model.ToModelPixels([goal]), successError, successReward);
    }

    /// <summary>Mean squared error at which the goal counts as reached; null: never.</summary>
    public double? SuccessError { get; }

    /// <inheritdoc />
    public override bool NeedsFrames => true;

    /// <inheritdoc />
    protected override Tensor Distances(ImaginedStep step)
    {
        var frames = step.Frames ?? throw new ArgumentException("PixelGoalReward reads decoded frames, but the step carries none.", nameof(step));
        if (frames.dim() != 4 || !frames.shape[1..].SequenceEqual(GoalTensor.shape))
            throw new ArgumentException($"Frames must be [B, {string.Join(", ", GoalTensor.shape)}] like the goal; got {TensorShape.Format(frames.shape)}.", nameof(step));
        return (frames.to_type(ScalarType.Float32) - GoalTensor.to(frames.device)).square().mean([1, 2, 3]);
    }
}
