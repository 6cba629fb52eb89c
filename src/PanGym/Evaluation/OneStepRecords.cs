namespace PanGym.Evaluation;

/// <summary>Groups per-step evaluation records into the same aggregates the report shows.</summary>
public static class OneStepRecords
{
    /// <summary>
    /// <see cref="OneStepMetrics"/> per <see cref="OneStepRecord.Tag"/>, each computed from that tag's records exactly as the
    /// report's figures are from all of them (a mean and its interval over steps).
    /// </summary>
    /// <param name="records">The records, for example <see cref="EvaluationReport.OneStepRecords"/>.</param>
    /// <param name="predictor">The name the metrics carry.</param>
    public static IReadOnlyDictionary<string, OneStepMetrics> ByTag(IEnumerable<OneStepRecord> records, string predictor)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentException.ThrowIfNullOrWhiteSpace(predictor);
        return records.GroupBy(r => r.Tag, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => OneStepMetrics.From(predictor, [.. g.Select(r => r.Score)]), StringComparer.Ordinal);
    }
}
