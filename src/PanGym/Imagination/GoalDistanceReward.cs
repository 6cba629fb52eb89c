using PanGym.Gym;
using static TorchSharp.torch;

namespace PanGym.Imagination;

/// <summary>
/// The skeleton of a goal reward on imagined steps: a goal tensor, a distance of each imagined row to it, and
/// <see cref="StepRewards.FromDistances"/> (minus the distance, or the success reward once within the success distance,
/// which ends that rollout). <see cref="LatentGoalReward"/> and <see cref="PixelGoalReward"/> differ only in what they compare.
/// </summary>
public abstract class GoalDistanceReward : IImaginedReward, IDisposable
{
    readonly Tensor _goal;
    readonly double? _successDistance;

    /// <summary>Keeps a float32 copy of <paramref name="goal"/>, already in the shape one row of the compared tensor has.</summary>
    /// <param name="goal">The goal (a latent [N, D] or a frame [3, H, W]).</param>
    /// <param name="successDistance">Distance at or below which a step counts as reaching the goal; null never ends a rollout.</param>
    /// <param name="successReward">Reward of a step that reaches the goal.</param>
    /// <param name="successName">The parameter's name in the derived type, for error messages.</param>
    protected GoalDistanceReward(Tensor goal, double? successDistance, double successReward, string successName)
    {
        if (successDistance is { } d && !(d >= 0))
            throw new ArgumentOutOfRangeException(successName, d, $"The {SpacedName(successName)} must be non-negative.");
        if (!double.IsFinite(successReward)) throw new ArgumentOutOfRangeException(nameof(successReward), successReward, "The success reward must be finite.");
        _goal = goal.detach().to_type(ScalarType.Float32).clone().DetachFromDisposeScope();
        _successDistance = successDistance;
        SuccessReward = successReward;
    }

    /// <summary>The goal, float32.</summary>
    protected Tensor GoalTensor => _goal;

    /// <summary>Reward of a step that reaches the goal.</summary>
    public double SuccessReward { get; }

    /// <inheritdoc/>
    public abstract bool NeedsFrames { get; }

    /// <summary>Each imagined row's distance to the goal, [B] (any floating dtype).</summary>
    protected abstract Tensor Distances(ImaginedStep step);

    /// <inheritdoc/>
    public StepRewards Evaluate(ImaginedStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        using var scope = NewDisposeScope();
        var distances = Distances(step).to_type(ScalarType.Float64).cpu().data<double>().ToArray();
        return StepRewards.FromDistances(distances, _successDistance, SuccessReward);
    }

    /// <summary>Releases the goal tensor (and what a derived type holds).</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases native memory; a derived type releases its own and calls this.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing) _goal.Dispose();
    }

    static string SpacedName(string name) => string.Concat(name.Select(c => char.IsUpper(c) ? " " + char.ToLowerInvariant(c) : c.ToString()));

    /// <summary>A goal frame in model pixels, [3, H, W] or [1, 3, H, W], as [3, H, W]; the frame rewards' one check of it.</summary>
    /// <exception cref="ArgumentException">Another shape.</exception>
    protected static Tensor CheckedGoalFrame(Tensor goalFrame)
    {
        ArgumentNullException.ThrowIfNull(goalFrame);
        if (goalFrame.dim() == 4 && goalFrame.shape[0] == 1) goalFrame = goalFrame.squeeze(0);
        if (goalFrame.dim() != 3 || goalFrame.shape[0] != Image.Channels)
            throw new ArgumentException($"The goal frame must be [3, H, W] or [1, 3, H, W]; got {TensorShape.Format(goalFrame.shape)}.", nameof(goalFrame));
        return goalFrame;
    }
}
