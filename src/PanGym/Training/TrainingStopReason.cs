namespace PanGym.Training;

/// <summary>Why <see cref="Trainer.Run"/> returned.</summary>
public enum TrainingStopReason
{
    /// <summary>The configured step count was reached.</summary>
    MaxSteps,

    /// <summary>The wall-clock budget was spent.</summary>
    Budget,

    /// <summary>The cancellation token was cancelled.</summary>
    Cancelled,
}
