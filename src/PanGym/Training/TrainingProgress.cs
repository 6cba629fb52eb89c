namespace PanGym.Training;

/// <summary>Where a training run stands, reported after every optimizer step (for a progress bar).</summary>
/// <param name="Step">Optimizer steps taken.</param>
/// <param name="TotalSteps">Steps the run will take when known (the step count, or the calibrated schedule's length under a time budget).</param>
/// <param name="Fraction">Share of the run done, in [0, 1]: by steps or by time, whichever is further along.</param>
/// <param name="Loss">This step's total loss.</param>
/// <param name="SmoothedLoss">An exponential moving average of the loss (weight 0.1 on the newest step).</param>
/// <param name="LearningRate">This step's learning rate.</param>
/// <param name="SamplesPerSecond">Windows trained per second in this session.</param>
/// <param name="Elapsed">Training time so far (summed over resumed sessions).</param>
/// <param name="Remaining">Estimated time left, when it can be estimated.</param>
public sealed record TrainingProgress(long Step, long? TotalSteps, double Fraction, double Loss, double SmoothedLoss,
    double LearningRate, double SamplesPerSecond, TimeSpan Elapsed, TimeSpan? Remaining);
