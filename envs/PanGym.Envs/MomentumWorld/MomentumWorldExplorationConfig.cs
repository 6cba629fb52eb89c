namespace PanGym.Envs;

/// <summary>The runs <see cref="MomentumWorldExploration"/> alternates between; validated once here.</summary>
public sealed record MomentumWorldExplorationConfig
{
    /// <summary>A configuration of push runs and wait runs.</summary>
    /// <param name="pushRunProbability">Chance that the next run pushes rather than waits, in [0, 1].</param>
    /// <param name="maxPushRun">Longest push run (lengths are uniform in 1 … this), at least 1.</param>
    /// <param name="maxWaitRun">Longest wait run (lengths are uniform in 1 … this), at least 1.</param>
    public MomentumWorldExplorationConfig(double pushRunProbability = 0.5, int maxPushRun = 4, int maxWaitRun = 6)
    {
        if (!(pushRunProbability >= 0 && pushRunProbability <= 1))
            throw new ArgumentOutOfRangeException(nameof(pushRunProbability), pushRunProbability, "The push-run probability must lie in [0, 1].");
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPushRun, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxWaitRun, 1);
        (PushRunProbability, MaxPushRun, MaxWaitRun) = (pushRunProbability, maxPushRun, maxWaitRun);
    }

    /// <summary>Half the runs push (1–4 steps one way), half wait (1–6 steps): about 40 % pushes.</summary>
    public static MomentumWorldExplorationConfig Default { get; } = new();

    /// <summary>Chance that a run pushes.</summary>
    public double PushRunProbability { get; }

    /// <summary>Longest push run.</summary>
    public int MaxPushRun { get; }

    /// <summary>Longest wait run.</summary>
    public int MaxWaitRun { get; }
}
