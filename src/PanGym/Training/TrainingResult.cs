namespace PanGym.Training;

/// <summary>What a call of <see cref="Trainer.Run"/> did and where it left its files.</summary>
/// <param name="StartStep">The step this session started at (0, or the checkpoint's step when resumed).</param>
/// <param name="FinalStep">Optimizer steps taken by the run in all, as saved in the final checkpoint.</param>
/// <param name="ScheduleSteps">The learning-rate schedule's length (null when a budget run stopped before calibrating).</param>
/// <param name="StopReason">Why training stopped.</param>
/// <param name="FirstTrainLoss">Mean loss of the run's first logged steps (null when none was logged).</param>
/// <param name="FinalTrainLoss">Mean loss of the run's last logged steps.</param>
/// <param name="FirstValidation">The run's first validation (at step 0), if any.</param>
/// <param name="FinalValidation">The run's last validation, if any.</param>
/// <param name="Elapsed">Training time of the whole run (summed over resumed sessions).</param>
/// <param name="SamplesPerSecond">Windows trained per second in this session (validation and checkpoints included in the time).</param>
/// <param name="WorkingSetStart">Resident memory of the process when this session started (bytes, <see cref="Environment.WorkingSet"/>).</param>
/// <param name="WorkingSetEnd">Resident memory when it ended.</param>
/// <param name="OutputFolder">The run's output folder (see <see cref="TrainingOutput"/> for what is inside).</param>
public sealed record TrainingResult(long StartStep, long FinalStep, long? ScheduleSteps, TrainingStopReason StopReason,
    double? FirstTrainLoss, double? FinalTrainLoss, TrainingMetric? FirstValidation, TrainingMetric? FinalValidation,
    TimeSpan Elapsed, double SamplesPerSecond, long WorkingSetStart, long WorkingSetEnd, string OutputFolder)
{
    /// <summary>The world model of the run's final checkpoint (<see cref="TrainingOutput.ModelFolder"/>), which evaluation loads.</summary>
    public string ModelFolder => TrainingOutput.ModelFolder(OutputFolder);
}
