using ScottPlot;

namespace PanGym.Evaluation;

/// <summary>The report's plots (ScottPlot, headless PNG): the drift curves of the model, of the model without its closed loop, and of the copy-last baseline, with their 95 % bands.</summary>
internal static class ReportPlots
{
    public const int Width = 760;
    public const int Height = 420;

    /// <summary>PSNR against the rollout horizon.</summary>
    public static byte[] DriftPsnr(EvaluationReport report) => Render("Rollout drift: pixels", "PSNR (dB)", report, curve => curve.Psnr);

    /// <summary>Probed position error against the rollout horizon.</summary>
    public static byte[] DriftPosition(EvaluationReport report) => Render("Rollout drift: probed state", "position error (px)", report, curve => curve.PositionError);

    /// <summary>Rollout action fidelity against the rollout horizon.</summary>
    public static byte[] DriftFidelity(EvaluationReport report) =>
        Render("Rollout action fidelity: every object within the tolerance", "share of episodes", report, curve => curve.RolloutFidelity);

    /// <summary>Sharpness (imagined over true high-frequency energy) against the rollout horizon.</summary>
    public static byte[] DriftSharpness(EvaluationReport report) =>
        Render("Sharpness of imagined frames (1 = as sharp as the truth)", "high-frequency energy, imagined / true", report, curve => curve.Sharpness);

    /// <summary>One quantity of the model's drift, the open loop's when measured (side by side) and the copy-last baseline's.</summary>
    static byte[] Render(string title, string yLabel, EvaluationReport report, Func<DriftCurve, IReadOnlyList<Estimate>> quantity) =>
        Render(title, yLabel, [.. new[] { report.Drift, report.DriftOpenLoop, report.DriftCopyLast }.OfType<DriftCurve>().Select(c => (c, quantity(c)))]);

    static byte[] Render(string title, string yLabel, (DriftCurve Curve, IReadOnlyList<Estimate> Values)[] series)
    {
        var plot = new Plot();
        var palette = new[] { Colors.C0, Colors.C1, Colors.C2 };
        for (int i = 0; i < series.Length; i++)
        {
            var (curve, values) = series[i];
            double[] xs = [.. Enumerable.Range(1, values.Count).Select(h => (double)h)];
            double[] means = [.. values.Select(v => v.Mean)];
            double[] lower = [.. values.Select(v => double.IsFinite(v.Lower) ? v.Lower : v.Mean)];
            double[] upper = [.. values.Select(v => double.IsFinite(v.Upper) ? v.Upper : v.Mean)];
            var band = plot.Add.FillY(xs, lower, upper);
            band.FillColor = palette[i % palette.Length].WithAlpha(0.2);
            band.LineWidth = 0;
            var line = plot.Add.Scatter(xs, means, palette[i % palette.Length]);
            line.LegendText = curve.Predictor;
            line.MarkerSize = values.Count <= 16 ? 4 : 2;
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.Title(title);
        plot.XLabel("horizon (steps)");
        plot.YLabel(yLabel);
        plot.ShowLegend(Alignment.UpperRight);
        string temporary = Path.Combine(Path.GetTempPath(), $"pangym-plot-{Guid.NewGuid():N}.png");
        try
        {
            plot.SavePng(temporary, Width, Height);
            return File.ReadAllBytes(temporary);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
