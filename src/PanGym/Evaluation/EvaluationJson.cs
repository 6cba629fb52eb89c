using System.Text.Json;
using System.Text.Json.Nodes;

namespace PanGym.Evaluation;

/// <summary>
/// The report's <c>metrics.json</c>: the headline figures at the top level (<c>action_fidelity</c> as a fraction,
/// <c>psnr</c>, <c>psnr_copy_last</c>, <c>ssim</c>, <c>ssim_copy_last</c>, each with a <c>*_ci</c> pair), then every
/// figure with its interval (<c>{mean, lower, upper, n}</c>; an unbounded end is null).
/// </summary>
internal static class EvaluationJson
{
    public static string Serialize(EvaluationReport report) =>
        ToJson(report).ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    public static JsonObject ToJson(EvaluationReport report)
    {
        var config = report.Config;
        var json = new JsonObject
        {
            ["environment"] = report.Environment,
            ["frame_size"] = report.FrameSize,
            ["episodes"] = config.Episodes,
            ["horizon"] = config.Horizon,
            ["seeds"] = new JsonArray([.. report.Seeds.Select(s => (JsonNode)s)]),
            ["held_out_seed_base"] = EvaluationConfig.HeldOutSeedBase,
            ["confidence_level"] = Estimate.Level,
            ["details"] = new JsonObject(report.Details.Select(d => KeyValuePair.Create(d.Key, (JsonNode?)d.Value))),
            ["action_fidelity"] = report.OneStep.ActionFidelity.Mean,
            ["action_fidelity_ci"] = Interval(report.OneStep.ActionFidelity),
            ["action_fidelity_copy_last"] = report.OneStepCopyLast.ActionFidelity.Mean,
            ["action_fidelity_copy_last_ci"] = Interval(report.OneStepCopyLast.ActionFidelity),
            ["psnr"] = report.OneStep.Psnr.Mean,
            ["psnr_ci"] = Interval(report.OneStep.Psnr),
            ["psnr_copy_last"] = report.OneStepCopyLast.Psnr.Mean,
            ["psnr_copy_last_ci"] = Interval(report.OneStepCopyLast.Psnr),
            ["psnr_gain"] = report.PsnrGain,
            ["ssim"] = report.OneStep.Ssim.Mean,
            ["ssim_ci"] = Interval(report.OneStep.Ssim),
            ["ssim_copy_last"] = report.OneStepCopyLast.Ssim.Mean,
            ["ssim_copy_last_ci"] = Interval(report.OneStepCopyLast.Ssim),
            ["one_step"] = new JsonObject
            {
                ["model"] = OneStep(report.OneStep),
                ["copy_last"] = OneStep(report.OneStepCopyLast),
            },
            ["drift"] = new JsonObject
            {
                ["horizons"] = new JsonArray([.. Enumerable.Range(1, report.Drift.Horizon).Select(h => (JsonNode)h)]),
                ["model"] = Drift(report.Drift),
                ["copy_last"] = Drift(report.DriftCopyLast),
                ["open_loop"] = report.DriftOpenLoop is { } open ? Drift(open) : null,
            },
            ["smoothness"] = new JsonObject
            {
                ["predicted"] = Of(report.Smoothness.Predicted),
                ["truth"] = Of(report.Smoothness.Truth),
                ["ratio"] = Number(report.Smoothness.Ratio),
            },
            ["consistency"] = new JsonObject
            {
                ["one_step"] = Of(report.OneStep.Consistency),
                ["rollout"] = Of(report.RolloutConsistency),
            },
            ["ablation"] = report.Ablation is { } ablation ? new JsonObject
            {
                ["full_history"] = OneStep(ablation.FullHistory),
                ["no_history"] = OneStep(ablation.NoHistory),
                ["mse_difference"] = Of(ablation.MeanSquaredErrorDifference),
                ["position_error_difference"] = Of(ablation.PositionErrorDifference),
                ["history_helps"] = ablation.HistoryHelps,
            } : null,
            ["tolerances"] = new JsonObject
            {
                ["relative_displacement"] = config.RelativeTolerance,
                ["still_pixels"] = config.StillTolerance,
                ["area"] = config.AreaTolerance,
                ["psnr_cap_db"] = PixelError.PsnrCap,
            },
            ["elapsed_seconds"] = Math.Round(report.Elapsed.TotalSeconds, 3),
        };
        return json;
    }

    static JsonObject OneStep(OneStepMetrics metrics) => new()
    {
        ["predictor"] = metrics.Predictor,
        ["mse"] = Of(metrics.MeanSquaredError),
        ["psnr"] = Of(metrics.Psnr),
        ["ssim"] = Of(metrics.Ssim),
        ["action_fidelity"] = Of(metrics.ActionFidelity),
        ["position_error"] = Of(metrics.PositionError),
        ["missing_objects"] = Of(metrics.MissingObjects),
        ["consistency"] = Of(metrics.Consistency),
    };

    static JsonObject Drift(DriftCurve curve) => new()
    {
        ["predictor"] = curve.Predictor,
        ["mse"] = Series(curve.MeanSquaredError),
        ["psnr"] = Series(curve.Psnr),
        ["position_error"] = Series(curve.PositionError),
        ["missing_objects"] = Series(curve.MissingObjects),
        ["consistency"] = Series(curve.Consistency),
        ["rollout_fidelity"] = Series(curve.RolloutFidelity),
        ["sharpness"] = Series(curve.Sharpness),
    };

    static JsonObject Series(IReadOnlyList<Estimate> estimates) => new()
    {
        ["mean"] = new JsonArray([.. estimates.Select(e => Number(e.Mean))]),
        ["lower"] = new JsonArray([.. estimates.Select(e => Number(e.Lower))]),
        ["upper"] = new JsonArray([.. estimates.Select(e => Number(e.Upper))]),
        ["n"] = estimates.Count == 0 ? 0 : estimates[0].Count,
    };

    static JsonObject Of(Estimate estimate) => new()
    {
        ["mean"] = Number(estimate.Mean),
        ["lower"] = Number(estimate.Lower),
        ["upper"] = Number(estimate.Upper),
        ["n"] = estimate.Count,
    };

    static JsonArray Interval(Estimate estimate) => [Number(estimate.Lower), Number(estimate.Upper)];

    static JsonNode? Number(double value) => double.IsFinite(value) ? JsonValue.Create(value) : null;
}
