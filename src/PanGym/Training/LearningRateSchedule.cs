namespace PanGym.Training;

/// <summary>
/// The learning rate of each optimizer step: a linear warm-up to the peak, then a half-cosine decay to a floor at
/// the end of the schedule, and the floor after it (Loshchilov &amp; Hutter 2017, SGDR, without restarts; the
/// warm-up as in Goyal et al. 2017 and nanoGPT's <c>get_lr</c>).
/// </summary>
/// <remarks>
/// Step s (0-based, the update about to be taken) warms up as peak · (s + 1) / (W + 1) for s &lt; W, so the first
/// update is small but not zero. From W to the schedule's length T the rate follows
/// floor + ½ (1 + cos(π (s − W) / (T − W))) (peak − floor). A schedule whose length is not known yet (a wall-clock
/// budget still being calibrated) warms up and then holds the peak. The warm-up is cut to T when T is shorter.
/// </remarks>
public sealed record LearningRateSchedule
{
    /// <summary>Creates and validates a schedule.</summary>
    /// <param name="peakLearningRate">The rate at the end of warm-up.</param>
    /// <param name="minLearningRateRatio">The floor as a share of the peak, in [0, 1].</param>
    /// <param name="warmupSteps">Steps of linear warm-up (W).</param>
    /// <param name="totalSteps">The schedule's length T, at least 1; null while it is not known.</param>
    public LearningRateSchedule(double peakLearningRate, double minLearningRateRatio, int warmupSteps, long? totalSteps)
    {
        if (!(peakLearningRate > 0 && double.IsFinite(peakLearningRate)))
            throw new ArgumentOutOfRangeException(nameof(peakLearningRate), peakLearningRate, "The peak learning rate must be positive and finite.");
        if (!(minLearningRateRatio >= 0 && minLearningRateRatio <= 1))
            throw new ArgumentOutOfRangeException(nameof(minLearningRateRatio), minLearningRateRatio, "The floor is a share of the peak, in [0, 1].");
        ArgumentOutOfRangeException.ThrowIfNegative(warmupSteps);
        if (totalSteps is < 1) throw new ArgumentOutOfRangeException(nameof(totalSteps), totalSteps, "The schedule needs at least one step.");
        (PeakLearningRate, MinLearningRateRatio, TotalSteps) = (peakLearningRate, minLearningRateRatio, totalSteps);
        WarmupSteps = totalSteps is long total ? (int)Math.Min(warmupSteps, total) : warmupSteps;
    }

    /// <summary>The schedule of <paramref name="config"/> over <paramref name="totalSteps"/> steps (null: not known yet).</summary>
    public static LearningRateSchedule For(TrainingConfig config, long? totalSteps)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new LearningRateSchedule(config.LearningRate, config.MinLearningRateRatio, config.WarmupSteps, totalSteps);
    }

    /// <summary>The rate at the end of warm-up.</summary>
    public double PeakLearningRate { get; }

    /// <summary>The floor as a share of the peak.</summary>
    public double MinLearningRateRatio { get; }

    /// <summary>The floor: <see cref="PeakLearningRate"/> · <see cref="MinLearningRateRatio"/>.</summary>
    public double MinLearningRate => PeakLearningRate * MinLearningRateRatio;

    /// <summary>Steps of linear warm-up (never more than <see cref="TotalSteps"/>).</summary>
    public int WarmupSteps { get; }

    /// <summary>The schedule's length, or null while it is not known.</summary>
    public long? TotalSteps { get; }

    /// <summary>The learning rate of step <paramref name="step"/> (0-based).</summary>
    public double At(long step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        if (step < WarmupSteps) return PeakLearningRate * (step + 1) / (WarmupSteps + 1);
        if (TotalSteps is not long total) return PeakLearningRate;
        if (step >= total) return MinLearningRate;
        double progress = (double)(step - WarmupSteps) / (total - WarmupSteps);
        return MinLearningRate + 0.5 * (1 + Math.Cos(Math.PI * progress)) * (PeakLearningRate - MinLearningRate);
    }
}
