namespace PanGym.Imagination;

/// <summary>The user's own reward function as a delegate over a batch of imagined steps.</summary>
/// <param name="evaluate">Rewards and terminations of a batch; must return one entry per trajectory.</param>
/// <param name="needsFrames">Whether <paramref name="evaluate"/> reads decoded frames.</param>
public sealed class DelegateReward(Func<ImaginedStep, StepRewards> evaluate, bool needsFrames = false) : IImaginedReward
{
    readonly Func<ImaginedStep, StepRewards> _evaluate = evaluate ?? throw new ArgumentNullException(nameof(evaluate));

    /// <summary>Zero reward, never terminating: <see cref="PanEnv"/>'s default when no reward is given.</summary>
    public static DelegateReward Zero { get; } = new(step => new StepRewards(new double[step.BatchSize]));

    /// <inheritdoc />
    public bool NeedsFrames { get; } = needsFrames;

    /// <inheritdoc />
    public StepRewards Evaluate(ImaginedStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        var rewards = _evaluate(step) ?? throw new InvalidOperationException("The reward delegate returned null.");
        if (rewards.Count != step.BatchSize)
            throw new InvalidOperationException($"The reward delegate returned {rewards.Count} rewards for a batch of {step.BatchSize} trajectories.");
        return rewards;
    }
}
