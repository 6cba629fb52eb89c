using ScottPlot;

namespace PanGym.Evaluation;

/// <summary>The report's plots (ScottPlot, headless PNG): the drift curves of the model and the copy-last baseline with their 95 % bands.</summary>
internal static class ReportPlots
{
    public const int Width = 760;
    public const int Height = 420;

    /// <summary>PSNR against the rollout horizon.</summary>
    public static byte[] DriftPsnr(EvaluationReport report) =>
        Render("Rollout drift: pixels", "PSNR (dB)", (report.Drift, report.Drift.Psnr), (report.DriftCopyLast, report.DriftCopyLast.Psnr));

    /// <summary>Probed position error against the rollout horizon.</summary>
    public static byte[] DriftPosition(EvaluationReport report) =>
        Render("Rollout drift: probed state", "position error (px)", (report.Drift, report.Drift.PositionError), (report.DriftCopyLast, report.DriftCopyLast.PositionError));

    static byte[] Render(string title, string yLabel, params (DriftCurve Curve, IReadOnlyList<Estimate> Values)[] series)
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
