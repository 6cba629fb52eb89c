namespace PanGym.Evaluation;

/// <summary>
/// Everything one evaluation measured (PAN §7 at this scale): one-step pixel and probe scores of the model beside the
/// copy-last baseline, drift curves of their rollouts, smoothness and consistency, the no-history ablation when it was
/// run, and sample rollouts for the videos. PanGym.Video's <c>EvaluationReportWriter</c> writes it as a report folder.
/// </summary>
/// <param name="Environment">The ground-truth environment's name.</param>
/// <param name="FrameSize">Side of the frames, in pixels.</param>
/// <param name="Config">Episodes, horizon, seeds and tolerances.</param>
/// <param name="Details">Free-form facts for the report's header (checkpoint, sampling, …), in order.</param>
/// <param name="OneStep">The model's one-step scores.</param>
/// <param name="OneStepCopyLast">The copy-last baseline's one-step scores.</param>
/// <param name="Drift">The model's rollout drift to the horizon.</param>
/// <param name="DriftCopyLast">The copy-last baseline's drift (the start frame held).</param>
/// <param name="Smoothness">Jumps between consecutive frames of the model's rollouts and of the truth.</param>
/// <param name="RolloutConsistency">Share of all imagined rollout frames with the right objects, colours and sizes.</param>
/// <param name="Ablation">The no-history ablation, when it was run (environments with hidden state).</param>
/// <param name="Samples">Rollouts beside the truth, for the videos.</param>
/// <param name="Elapsed">Wall time of the evaluation.</param>
/// <param name="DriftOpenLoop">The drift of the same model without the closed loop, when it was measured.</param>
/// <param name="OneStepRecords">The model's scores per held-out step, which <paramref name="OneStep"/> aggregates, tagged by the caller's function.</param>
/// <param name="OneStepRecordsCopyLast">The copy-last baseline's, likewise.</param>
public sealed record EvaluationReport(
    string Environment,
    int FrameSize,
    EvaluationConfig Config,
    IReadOnlyList<KeyValuePair<string, string>> Details,
    OneStepMetrics OneStep,
    OneStepMetrics OneStepCopyLast,
    DriftCurve Drift,
    DriftCurve DriftCopyLast,
    SmoothnessMetrics Smoothness,
    Estimate RolloutConsistency,
    AblationResult? Ablation,
    IReadOnlyList<RolloutSample> Samples,
    TimeSpan Elapsed,
    DriftCurve? DriftOpenLoop = null,
    IReadOnlyList<OneStepRecord>? OneStepRecords = null,
    IReadOnlyList<OneStepRecord>? OneStepRecordsCopyLast = null)
{
    /// <summary>The held-out reset seeds.</summary>
    public IReadOnlyList<int> Seeds => Config.EpisodeSeeds;

    /// <summary>One-step PSNR gain over copying the last frame, in dB.</summary>
    public double PsnrGain => OneStep.Psnr.Mean - OneStepCopyLast.Psnr.Mean;
}
