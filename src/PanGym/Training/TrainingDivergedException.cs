namespace PanGym.Training;

/// <summary>
/// The training loss became NaN or infinite: the settings (most often the learning rate) make the run diverge. It is
/// raised before the step that would have applied the non-finite loss, so the weights on disk are those of the last
/// checkpoint; the message says at which step, with which learning rate, and what to change.
/// </summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception for a loss of <paramref name="loss"/> at <paramref name="step"/>.</summary>
    public TrainingDivergedException(string message, long step, double loss) : base(message)
    {
        Step = step;
        Loss = loss;
    }

    /// <summary>The step whose loss was not finite (1-based, as in the metrics).</summary>
    public long Step { get; }

    /// <summary>The loss (NaN or ±∞).</summary>
    public double Loss { get; }
}
