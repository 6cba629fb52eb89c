using System.Globalization;
using Spectre.Console;

namespace PanGym.Bench;

/// <summary>Prints a <see cref="TrainBenchmarkResult"/> as <c>pangym bench train</c>'s table: one row per job with its rate, the all-reduce's share and the scaling efficiency.</summary>
public static class TrainBenchmarkTables
{
    static readonly CultureInfo _invariant = CultureInfo.InvariantCulture;

    /// <summary>Writes the table.</summary>
    public static void Write(IAnsiConsole console, TrainBenchmarkResult result)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(result);
        var options = result.Options;
        long gradientFloats = result.GradientFloats;
        var table = new Table().Title(
            $"pangym bench train: {options.Preset} preset, {options.BatchPerRank} windows of {options.Window} actions per rank, {options.Threads} thread(s) per rank, " +
            $"{options.Steps} timed steps; gradient {gradientFloats:N0} floats ({gradientFloats * 4 / 1e6:F2} MB); 1024² float32 matmul peak {result.MatmulPeakGflops:F1} GFLOP/s at {options.Threads} thread(s)");
        table.AddColumns("ranks", "global batch", "samples/s", "ms/step", "all-reduce ms/step", "all-reduce share", "scaling efficiency");
        foreach (var job in result.Jobs)
            table.AddRow(job.Ranks.ToString(_invariant), job.GlobalBatch.ToString(_invariant), job.SamplesPerSecond.ToString("F1", _invariant), job.StepMs.ToString("F1", _invariant),
                job.AllReduceMs.ToString("F2", _invariant), job.AllReduceShare.ToString("P1", _invariant), result.ScalingEfficiency(job).ToString("P0", _invariant));
        console.Write(table);
    }
}
