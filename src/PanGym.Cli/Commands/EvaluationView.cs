using System.Globalization;
using PanGym.Envs;
using PanGym.Evaluation;
using PanGym.Experiments;
using PanGym.Gym;
using Spectre.Console;

namespace PanGym.Cli.Commands;

/// <summary>
/// How <c>pangym eval</c> and <c>pangym demo</c> show an <see cref="EvaluationRun"/>: a line about what is measured, a
/// status line per stage, then the headline one-step figures with their intervals, the drift table and the report's files.
/// </summary>
internal static class EvaluationView
{
    /// <summary>Runs the evaluation on <paramref name="envId"/> (made at the model's frame size), writes the report into <paramref name="outFolder"/> and prints it.</summary>
    public static EvaluationReport Evaluate(IAnsiConsole console, EvaluationRunOptions options, EnvRegistry registry, GroundTruthRegistry simulators, string envId, string outFolder)
    {
        using var run = EvaluationRun.Open(options, GroundTruthSimulators.At(registry, envId, simulators));
        var config = options.Config;
        int size = run.Model.Config.ImageSize;
        console.MarkupLine($"evaluating [bold]{Markup.Escape(run.Model.Config.Preset)}[/] model on {config.Episodes} held-out {Markup.Escape(envId)} episodes " +
            $"of {config.Horizon} steps ({size}×{size}){(run.HasNoHistoryAblation ? ", with the no-history ablation" : "")}");
        EvaluationReport? report = null;
        console.Status().Start("starting", context => report = run.Evaluate(new SyncProgress<string>(stage => context.Status(Markup.Escape(stage)))));
        var files = EvaluationReportWriter.Write(report!, outFolder);
        Summarise(console, report!, files);
        return report!;
    }

    static void Summarise(IAnsiConsole console, EvaluationReport report, EvaluationReportFiles files)
    {
        static string Number(Estimate e, string format) =>
            $"{e.Mean.ToString(format, CultureInfo.InvariantCulture)} [{Bound(e.Lower, format)}, {Bound(e.Upper, format)}]";
        static string Bound(double value, string format) => double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : "∞";
        static string Percent(Estimate e) => string.Create(CultureInfo.InvariantCulture, $"{100 * e.Mean:F1} % [{100 * e.Lower:F1}, {100 * e.Upper:F1}]");

        var columns = new List<OneStepMetrics> { report.OneStep, report.OneStepCopyLast };
        if (report.Ablation is { } ablation) columns.Add(ablation.NoHistory);
        var table = new Table().Title("one step ahead, 95 % CI").AddColumn("metric");
        foreach (var column in columns) table.AddColumn(new TableColumn(Markup.Escape(column.Predictor)).RightAligned());
        table.AddRow(["action fidelity", .. columns.Select(c => Markup.Escape(Percent(c.ActionFidelity)))]);
        table.AddRow(["PSNR (dB)", .. columns.Select(c => Markup.Escape(Number(c.Psnr, "F2")))]);
        table.AddRow(["SSIM", .. columns.Select(c => Markup.Escape(Number(c.Ssim, "F4")))]);
        table.AddRow(["position error (px)", .. columns.Select(c => Markup.Escape(Number(c.PositionError, "F2")))]);
        console.Write(table);

        int horizon = report.Drift.Horizon;
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"PSNR gain over copying the last frame: {report.PsnrGain:+0.00;-0.00} dB"));
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"rollout drift at horizon {horizon}: PSNR {report.Drift.Psnr[^1].Mean:F2} dB (copy last {report.DriftCopyLast.Psnr[^1].Mean:F2}), " +
            $"position error {report.Drift.PositionError[^1].Mean:F2} px (copy last {report.DriftCopyLast.PositionError[^1].Mean:F2})"));
        var drift = new Table().Title("rollout drift by horizon (means over episodes)").AddColumn("horizon");
        var open = report.DriftOpenLoop;
        foreach (var name in (string[])["position error (px)", "copy last", .. open is null ? Array.Empty<string>() : ["open loop"],
                     "pixel MSE", "copy last", "rollout fidelity", .. open is null ? Array.Empty<string>() : ["open loop"], "sharpness", "consistency"])
            drift.AddColumn(new TableColumn(name).RightAligned());
        foreach (int h in Enumerable.Range(0, 16).Select(k => 1 << k).TakeWhile(h => h < horizon).Append(horizon))
        {
            string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
            string P(Estimate e) => F(100 * e.Mean, "F1") + " %";
            int i = h - 1;
            drift.AddRow([
                h.ToString(CultureInfo.InvariantCulture), F(report.Drift.PositionError[i].Mean, "F2"), F(report.DriftCopyLast.PositionError[i].Mean, "F2"),
                .. open is null ? Array.Empty<string>() : [F(open.PositionError[i].Mean, "F2")],
                F(report.Drift.MeanSquaredError[i].Mean, "F1"), F(report.DriftCopyLast.MeanSquaredError[i].Mean, "F1"),
                P(report.Drift.RolloutFidelity[i]), .. open is null ? Array.Empty<string>() : [P(open.RolloutFidelity[i])],
                F(report.Drift.Sharpness[i].Mean, "F2"), P(report.Drift.Consistency[i]),
            ]);
        }
        console.Write(drift);
        var behind = Enumerable.Range(1, horizon).Where(h => report.Drift.PositionError[h - 1].Mean >= report.DriftCopyLast.PositionError[h - 1].Mean
            || report.Drift.MeanSquaredError[h - 1].Mean >= report.DriftCopyLast.MeanSquaredError[h - 1].Mean).ToArray();
        console.WriteLine(behind.Length == 0
            ? $"the model's position error and pixel MSE are below copying the last frame at every horizon up to {horizon}"
            : $"the model is not below copying the last frame at {behind.Length} of {horizon} horizons (first at {behind[0]})");
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"smoothness: imagined jumps {report.Smoothness.Predicted.Mean:F3} vs true {report.Smoothness.Truth.Mean:F3}; consistent rollout frames {100 * report.RolloutConsistency.Mean:F1} %"));
        if (report.Ablation is { } a)
            console.WriteLine($"no-history ablation: one-step MSE difference (no history − full) {Number(a.MeanSquaredErrorDifference, "F3")}: " +
                (a.HistoryHelps ? "the history helps (the 95 % CI excludes zero)" : "not shown to help (the 95 % CI does not lie above zero)"));
        if (files.Note is not null) console.WriteLine(files.Note);
        console.WriteLine($"report:  {files.Html}");
        console.WriteLine($"metrics: {files.Metrics}");
    }
}
