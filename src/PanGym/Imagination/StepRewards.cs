namespace PanGym.Imagination;

/// <summary>The rewards and terminations an <see cref="IImaginedReward"/> assigns to B imagined steps.</summary>
public sealed record StepRewards
{
    /// <summary>One reward and one termination flag per trajectory; both lists must have the same length and finite rewards.</summary>
    public StepRewards(double[] rewards, bool[] terminated)
    {
        ArgumentNullException.ThrowIfNull(rewards);
        ArgumentNullException.ThrowIfNull(terminated);
        if (rewards.Length != terminated.Length)
            throw new ArgumentException($"Got {rewards.Length} rewards but {terminated.Length} termination flags; give one of each per trajectory.", nameof(terminated));
        int bad = Array.FindIndex(rewards, r => !double.IsFinite(r));
        if (bad >= 0)
            throw new ArgumentException($"Rewards must be finite; the reward of trajectory {bad} of {rewards.Length} is {rewards[bad]} " +
                "(a NaN or infinite imagined frame or latent, or a division by zero in the reward).", nameof(rewards));
        Rewards = rewards;
        Terminated = terminated;
    }

    /// <summary>Rewards that never terminate.</summary>
    public StepRewards(double[] rewards) : this(rewards, new bool[rewards?.Length ?? 0]) { }

    /// <summary>The reward of each trajectory's step.</summary>
    public double[] Rewards { get; }

    /// <summary>Whether each trajectory reached a terminal state at this step.</summary>
    public bool[] Terminated { get; }

    /// <summary>Number of trajectories.</summary>
    public int Count => Rewards.Length;

    /// <summary>
    /// Rewards of minus each distance to a goal; a distance at or below <paramref name="successDistance"/> reaches the goal
    /// instead: reward <paramref name="successReward"/>, terminated.
    /// </summary>
    internal static StepRewards FromDistances(double[] distances, double? successDistance, double successReward)
    {
        var terminated = distances.Select(d => successDistance is { } limit && d <= limit).ToArray();
        return new StepRewards(distances.Select((d, i) => terminated[i] ? successReward : -d).ToArray(), terminated);
    }
}
