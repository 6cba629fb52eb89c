namespace PanGym.Planning;

/// <summary>
/// A policy's returns in imagination and in the real environment from the same start states, and the gap between them
/// with its confidence interval (Student's t over the per-start gaps).
/// </summary>
/// <param name="Episodes">One comparison per start state.</param>
/// <param name="Confidence">The interval's confidence level, e.g. 0.95.</param>
/// <param name="MeanImaginedReturn">Mean imagined return.</param>
/// <param name="MeanRealReturn">Mean real return.</param>
/// <param name="MeanGap">Mean of imagined − real.</param>
/// <param name="GapLower">Lower end of the gap's interval (NaN with fewer than two starts).</param>
/// <param name="GapUpper">Upper end of the gap's interval (NaN with fewer than two starts).</param>
public sealed record PolicyEvaluationResult(IReadOnlyList<EpisodeComparison> Episodes, double Confidence,
    double MeanImaginedReturn, double MeanRealReturn, double MeanGap, double GapLower, double GapUpper)
{
    /// <summary>Share of episodes that terminated (reached the goal, in goal tasks) in imagination.</summary>
    public double ImaginedSuccessRate => Episodes.Count(e => e.ImaginedTerminated) / (double)Episodes.Count;

    /// <summary>Share of episodes that terminated (reached the goal, in goal tasks) for real.</summary>
    public double RealSuccessRate => Episodes.Count(e => e.RealTerminated) / (double)Episodes.Count;

    /// <summary>Whether the interval contains zero: no significant gap at this confidence.</summary>
    public bool GapCoversZero => GapLower <= 0 && GapUpper >= 0;
}
