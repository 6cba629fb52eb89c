using ScottPlot;
using ScottPlot.TickGenerators;

namespace PanGym.Training;

/// <summary>Draws the training and validation loss of a run against the step, on a log scale, as a PNG (ScottPlot).</summary>
public static class TrainingCurves
{
    /// <summary>Plot width in pixels.</summary>
    public const int Width = 900;

    /// <summary>Plot height in pixels.</summary>
    public const int Height = 500;

    /// <summary>
    /// Writes the curves of <paramref name="metrics"/> (total loss of the training and the validation lines) to
    /// <paramref name="path"/>, under a temporary name first and then renamed. The axis is labelled in decades when the
    /// losses span one or more, else at evenly spaced values. Losses at or below zero are drawn at 1e-12.
    /// </summary>
    public static void SavePng(IEnumerable<TrainingMetric> metrics, string path)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var all = metrics.ToList();
        var plot = new Plot();
        AddCurve(plot, all, TrainingMetric.TrainKind, "train loss", Colors.C0);
        AddCurve(plot, all, TrainingMetric.ValidationKind, "validation loss", Colors.C1);
        var logs = all.Where(m => double.IsFinite(m.Loss)).Select(m => LogLoss(m.Loss)).ToList();
        bool decades = logs.Count > 0 && logs.Max() - logs.Min() >= 1;
        plot.Axes.Left.TickGenerator = new NumericAutomatic
        {
            MinorTickGenerator = decades ? new LogMinorTickGenerator() : new EvenlySpacedMinorTickGenerator(2),
            IntegerTicksOnly = decades,
            LabelFormatter = exponent => Math.Pow(10, exponent).ToString("g3", System.Globalization.CultureInfo.InvariantCulture),
        };
        plot.Title("World-model training");
        plot.XLabel("step");
        plot.YLabel("loss (log scale)");
        plot.ShowLegend(Alignment.UpperRight);
        string temporary = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, $".{Path.GetFileNameWithoutExtension(path)}.{Guid.NewGuid():N}.png");
        try
        {
            plot.SavePng(temporary, Width, Height);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    static double LogLoss(double loss) => Math.Log10(Math.Max(loss, 1e-12));

    static void AddCurve(Plot plot, List<TrainingMetric> metrics, string kind, string label, Color color)
    {
        var points = metrics.Where(m => m.Kind == kind && double.IsFinite(m.Loss)).ToList();
        if (points.Count == 0) return;
        var curve = plot.Add.Scatter(
            points.Select(m => (double)m.Step).ToArray(),
            points.Select(m => LogLoss(m.Loss)).ToArray(),
            color);
        curve.LegendText = label;
        curve.MarkerSize = points.Count == 1 ? 6 : 3;
    }
}
