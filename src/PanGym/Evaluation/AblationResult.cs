namespace PanGym.Evaluation;

/// <summary>
/// The no-history ablation (PAN's case for a multi-turn history): the same model with its history cut to the last
/// state, scored one step ahead on the same steps. Differences are paired per step (no history − full history), so a
/// positive interval that excludes zero says the history lowers the error.
/// </summary>
/// <param name="FullHistory">One-step scores with the whole history.</param>
/// <param name="NoHistory">One-step scores with a fresh history of the current state each step.</param>
/// <param name="MeanSquaredErrorDifference">Per-step pixel mean squared error, no history − full history.</param>
/// <param name="PositionErrorDifference">Per-step probed position error (pixels), no history − full history.</param>
public sealed record AblationResult(OneStepMetrics FullHistory, OneStepMetrics NoHistory, Estimate MeanSquaredErrorDifference, Estimate PositionErrorDifference)
{
    /// <summary>Whether the history lowers the one-step error by a margin whose 95 % interval excludes zero.</summary>
    public bool HistoryHelps => MeanSquaredErrorDifference.Lower > 0;
}
