namespace PanGym.Training;

/// <summary>Where a <see cref="Trainer"/>'s run stands after a step, for <see cref="TrainingProgress"/> reports.</summary>
internal static class ProgressEstimate
{
    /// <summary>
    /// The report after <paramref name="step"/> steps, <paramref name="startStep"/> of them before this session; the
    /// share done and the time left go by steps and, under a time budget, by time.
    /// </summary>
    public static TrainingProgress Of(TrainingConfig config, long? scheduleSteps, long step, long startStep, StepMeasurement measured, double smoothed,
        TimeSpan session, TimeSpan elapsed)
    {
        long? total = scheduleSteps ?? config.MaxSteps;
        double stepsPerSecond = (step - startStep) / Math.Max(session.TotalSeconds, 1e-9);
        double fraction = 0;
        TimeSpan? remaining = null;
        if (total is long steps)
        {
            fraction = Math.Min(1, (double)step / steps);
            remaining = TimeSpan.FromSeconds(Math.Max(0, steps - step) / Math.Max(stepsPerSecond, 1e-9));
        }
        if (config.Budget is TimeSpan budget)
        {
            fraction = Math.Max(fraction, Math.Min(1, elapsed / budget));
            var left = budget - elapsed < TimeSpan.Zero ? TimeSpan.Zero : budget - elapsed;
            remaining = remaining is TimeSpan bySteps && bySteps < left && config.MaxSteps is not null ? bySteps : left;
        }
        return new TrainingProgress(step, total, fraction, measured.Loss, smoothed, measured.LearningRate,
            stepsPerSecond * config.BatchSize, elapsed, remaining);
    }
}
