using System.Globalization;
using System.Text;
using PanGym.Media;

namespace PanGym.Evaluation;

/// <summary>
/// Writes an <see cref="EvaluationReport"/> as a report folder: <c>metrics.json</c> (every figure and its 95 % interval;
/// the headline figures at the top level), <c>report.md</c>, a self-contained <c>report.html</c> (inline CSS, plots and
/// rollout GIFs as base64 data URIs) and, beside them, the plot PNGs and the GIFs. Every file is written under a
/// temporary name and renamed into place, <c>metrics.json</c> last; files of an earlier report are replaced, nothing
/// else in the folder is touched.
/// </summary>
public static class EvaluationReportWriter
{
    /// <summary>Every figure and its interval.</summary>
    public const string MetricsFileName = "metrics.json";

    /// <summary>The Markdown report.</summary>
    public const string MarkdownFileName = "report.md";

    /// <summary>The self-contained HTML report.</summary>
    public const string HtmlFileName = "report.html";

    /// <summary>Frames per second of the rollout videos.</summary>
    public const int VideoFps = 4;

    /// <summary>Enlargement of the rollout videos' small frames.</summary>
    public const int VideoScale = 4;

    /// <summary>Checks that <paramref name="folder"/> can hold a report (it is not a file) and returns its full path; writes nothing.</summary>
    /// <exception cref="IOException">The path is a file.</exception>
    public static string EnsureReportFolder(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        string full = Path.GetFullPath(folder);
        if (File.Exists(full)) throw new IOException($"The report folder {full} is a file; choose a folder for the report (nothing was written).");
        return OutputLocation.EnsureCanWriteFolder(full);
    }

    /// <summary>Writes <paramref name="report"/> into <paramref name="folder"/> (created when missing).</summary>
    /// <exception cref="IOException">The path is a file.</exception>
    public static EvaluationReportFiles Write(EvaluationReport report, string folder)
    {
        ArgumentNullException.ThrowIfNull(report);
        string root = EnsureReportFolder(folder);
        Directory.CreateDirectory(root);

        var document = new ReportDocument();
        var figures = new List<string>();
        var videos = new List<string>();
        string? note = null;
        string Figure(string name, byte[] bytes)
        {
            string path = Path.Combine(root, name);
            WriteAtomically(path, bytes);
            figures.Add(path);
            return name;
        }

        var plots = new DriftPlots(ReportPlots.DriftPsnr(report), ReportPlots.DriftPosition(report), ReportPlots.DriftFidelity(report), ReportPlots.DriftSharpness(report));
        Figure("drift-psnr.png", plots.Psnr);
        Figure("drift-state.png", plots.Position);
        Figure("drift-fidelity.png", plots.Fidelity);
        Figure("drift-sharpness.png", plots.Sharpness);

        var gifs = new List<(string Name, byte[] Bytes, RolloutSample Sample)>();
        try
        {
            foreach (var (sample, i) in report.Samples.Select((s, i) => (s, i)))
            {
                string name = $"rollout-{i + 1}.gif";
                string path = Path.Combine(root, name);
                VideoWriter.Write(path, sample.SideBySide(), VideoFps, VideoScale);
                videos.Add(path);
                gifs.Add((name, File.ReadAllBytes(path), sample));
            }
        }
        catch (FFmpegNotFoundException e)
        {
            note = $"The rollout videos are missing: {e.Message}";
        }

        Compose(document, report, plots, gifs, note);
        string markdown = Path.Combine(root, MarkdownFileName);
        string html = Path.Combine(root, HtmlFileName);
        string metrics = Path.Combine(root, MetricsFileName);
        WriteAtomically(markdown, Encoding.UTF8.GetBytes(document.ToMarkdown()));
        WriteAtomically(html, Encoding.UTF8.GetBytes(document.ToHtml($"World-model evaluation: {report.Environment}")));
        WriteAtomically(metrics, Encoding.UTF8.GetBytes(EvaluationJson.Serialize(report)));
        return new EvaluationReportFiles(root, metrics, markdown, html, figures, videos, note);
    }

    static void Compose(ReportDocument doc, EvaluationReport report, DriftPlots plots,
        IReadOnlyList<(string Name, byte[] Bytes, RolloutSample Sample)> gifs, string? note)
    {
        var config = report.Config;
        var seeds = report.Seeds;
        doc.Heading(1, $"World-model evaluation: {report.Environment}");
        doc.Paragraph($"{config.Episodes} held-out episodes (reset seeds {seeds[0]}–{seeds[^1]}, disjoint from the training data's), " +
            $"{config.Horizon} actions each, {report.FrameSize}×{report.FrameSize} frames; every figure is a mean with its 95 % confidence interval " +
            $"in brackets. Evaluated in {report.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s.");
        if (report.Details.Count > 0) doc.Table(["setting", "value"], report.Details.Select(d => (IReadOnlyList<string>)[d.Key, d.Value]));

        doc.Heading(2, "One step ahead (teacher forced)");
        var columns = new List<OneStepMetrics> { report.OneStep, report.OneStepCopyLast };
        if (report.Ablation is { } ablation) columns.Add(ablation.NoHistory);
        doc.Table(["metric", .. columns.Select(c => c.Predictor)],
        [
            ["action fidelity", .. columns.Select(c => Percent(c.ActionFidelity))],
            ["PSNR (dB)", .. columns.Select(c => Number(c.Psnr, "F2"))],
            ["SSIM", .. columns.Select(c => Number(c.Ssim, "F4"))],
            ["pixel MSE", .. columns.Select(c => Number(c.MeanSquaredError, "F2"))],
            ["position error (px)", .. columns.Select(c => Number(c.PositionError, "F2"))],
            ["missing objects", .. columns.Select(c => Percent(c.MissingObjects))],
            ["consistency", .. columns.Select(c => Percent(c.Consistency))],
        ]);
        doc.Paragraph($"One-step PSNR of the model minus copying the last frame: {report.PsnrGain.ToString("+0.00;-0.00", CultureInfo.InvariantCulture)} dB. " +
            $"Copying the last frame is right only on the steps where nothing moves by more than {config.StillTolerance.ToString(CultureInfo.InvariantCulture)} px " +
            $"({Percent(report.OneStepCopyLast.ActionFidelity.Mean)} of them).");

        doc.Heading(2, "Long-horizon drift (autoregressive rollouts)");
        doc.Paragraph("From each episode's first frame the model imagines the whole episode: its decoded frames feed its decoder and, with the " +
            "closed loop (PAN §5), their encodings feed its history; without it (open loop) its predicted states do. Each imagined frame is " +
            "compared with the true frame at the same horizon." + (report.DriftOpenLoop is null ? "" : " The open loop's curves stand beside the closed loop's."));
        doc.Figure("drift-psnr.png", "image/png", plots.Psnr, "PSNR of the h-th imagined frame against the truth (mean over episodes, 95 % band).");
        doc.Figure("drift-state.png", "image/png", plots.Position, "Probed position error of the h-th imagined frame (missing objects count as the frame's side).");
        doc.Figure("drift-fidelity.png", "image/png", plots.Fidelity,
            $"Rollout action fidelity: share of episodes whose h-th imagined frame has every true object within {config.RolloutTolerance.ToString(CultureInfo.InvariantCulture)} px of the truth, and nothing else (Wilson band).");
        doc.Figure("drift-sharpness.png", "image/png", plots.Sharpness,
            "Sharpness: high-frequency energy (squared Laplacian) of the h-th imagined frame over the true frame's; 1 is as sharp as the truth, below it a smear, above it noise.");
        var horizons = Enumerable.Range(0, 16).Select(k => 1 << k).TakeWhile(h => h < config.Horizon).Append(config.Horizon).ToArray();
        var open = report.DriftOpenLoop;
        doc.Table(
            [
                "horizon", "pixel MSE model", "pixel MSE copy-last", "position error model (px)", "position error copy-last (px)",
                "rollout fidelity model", "sharpness model", "consistency model",
                .. open is null ? Array.Empty<string>() : ["position error open loop (px)", "rollout fidelity open loop", "sharpness open loop"],
            ],
            horizons.Select(h => (IReadOnlyList<string>)
            [
                h.ToString(CultureInfo.InvariantCulture),
                Number(report.Drift.MeanSquaredError[h - 1], "F1"),
                Number(report.DriftCopyLast.MeanSquaredError[h - 1], "F1"),
                Number(report.Drift.PositionError[h - 1], "F2"),
                Number(report.DriftCopyLast.PositionError[h - 1], "F2"),
                Percent(report.Drift.RolloutFidelity[h - 1]),
                Number(report.Drift.Sharpness[h - 1], "F2"),
                Percent(report.Drift.Consistency[h - 1]),
                .. open is null ? Array.Empty<string>() :
                    [Number(open.PositionError[h - 1], "F2"), Percent(open.RolloutFidelity[h - 1]), Number(open.Sharpness[h - 1], "F2")],
            ]));

        doc.Heading(2, "Smoothness and consistency");
        doc.Table(["measure", "value"],
        [
            ["jump between consecutive imagined frames (mean |Δ|, 0–255)", Number(report.Smoothness.Predicted, "F3")],
            ["jump between consecutive true frames (mean |Δ|, 0–255)", Number(report.Smoothness.Truth, "F3")],
            ["imagined / true jump", double.IsFinite(report.Smoothness.Ratio) ? report.Smoothness.Ratio.ToString("F3", CultureInfo.InvariantCulture) : "n/a"],
            ["consistent frames, one step", Percent(report.OneStep.Consistency)],
            ["consistent frames, rollouts", Percent(report.RolloutConsistency)],
        ]);

        if (report.Ablation is { } a)
        {
            doc.Heading(2, "No-history ablation");
            doc.Paragraph($"The same model with its history cut to the last state (a fresh history fed only the current state each step), one step ahead " +
                $"on the same {a.MeanSquaredErrorDifference.Count} steps. Paired per step, no history minus full history: pixel MSE " +
                $"{Number(a.MeanSquaredErrorDifference, "F3")}, probed position error {Number(a.PositionErrorDifference, "F3")} px. " +
                (a.HistoryHelps
                    ? "The 95 % confidence interval of the MSE difference excludes zero: the history measurably lowers the one-step error."
                    : "The 95 % confidence interval of the MSE difference does not lie above zero: this run does not show that the history helps."));
        }

        doc.Heading(2, "Rollouts beside the truth");
        if (note is not null) doc.Paragraph(note);
        foreach (var (name, bytes, sample) in gifs)
            doc.Figure(name, "image/gif", bytes, $"Seed {sample.Seed}: truth (left) and the model's rollout (right). Actions: {string.Join("; ", sample.Actions)}.");

        doc.Heading(2, "Definitions");
        doc.Paragraph($"Action fidelity (PAN's action simulation fidelity): a step counts when the state probe finds every true object in the predicted " +
            $"frame, and nothing else, each within max({config.RelativeTolerance.ToString(CultureInfo.InvariantCulture)} × its expected displacement, " +
            $"{config.StillTolerance.ToString(CultureInfo.InvariantCulture)} px) of where the action puts it: the moved object moved the right way by " +
            "roughly the right amount, the others stayed, and a wait or blocked move changed nothing. Its interval is Wilson's.");
        doc.Paragraph($"PSNR is that of the mean squared error pooled over the steps (capped at {PixelError.PsnrCap.ToString(CultureInfo.InvariantCulture)} dB), " +
            "so that exact copies on still steps cannot dominate through an infinite PSNR; its interval is the error's, carried through. " +
            "SSIM uses an 11 × 11 Gaussian window (σ = 1.5), C₁ = (0.01·255)², C₂ = (0.03·255)², averaged over the colour channels.");
        doc.Paragraph($"Consistency: the probe finds exactly the true objects (count and colours), each with an area within " +
            $"{config.AreaTolerance.ToString("P0", CultureInfo.InvariantCulture)} of the true frame's. Intervals of means are Student's t over steps " +
            "(one step) or over episodes (per horizon).");
    }

    static string Number(Estimate e, string format) =>
        $"{e.Mean.ToString(format, CultureInfo.InvariantCulture)} [{Bound(e.Lower, format)}, {Bound(e.Upper, format)}]";

    static string Bound(double value, string format) => double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : value > 0 ? "∞" : "−∞";

    static string Percent(Estimate e) =>
        $"{Percent(e.Mean)} [{Percent(e.Lower)}, {Percent(e.Upper)}]";

    static string Percent(double value) => double.IsFinite(value) ? (100 * value).ToString("F1", CultureInfo.InvariantCulture) + " %" : "n/a";

    static void WriteAtomically(string path, byte[] bytes)
    {
        string temporary = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllBytes(temporary, bytes);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>The report's drift figures as PNG bytes.</summary>
    sealed record DriftPlots(byte[] Psnr, byte[] Position, byte[] Fidelity, byte[] Sharpness);
}
