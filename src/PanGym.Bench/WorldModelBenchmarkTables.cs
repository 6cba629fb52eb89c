using System.Globalization;
using Spectre.Console;

namespace PanGym.Bench;

/// <summary>Prints a <see cref="WorldModelBenchmarkResult"/> as <c>pangym bench</c>'s three tables: per-step costs, imagined steps per second, planner decisions.</summary>
public static class WorldModelBenchmarkTables
{
    static readonly CultureInfo _invariant = CultureInfo.InvariantCulture;

    /// <summary>Writes the tables and the note on how the figures were measured.</summary>
    public static void Write(IAnsiConsole console, WorldModelBenchmarkResult result)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(result);
        var costs = new Table().Title($"pangym bench: {result.Preset} world model, {result.Threads} threads, {result.TurnTokens} tokens a turn; 1024² float32 matmul peak {result.MatmulPeakGflops:F1} GFLOP/s");
        costs.AddColumns("per-step cost (one trajectory)", "ms", "GFLOP/s");
        costs.AddRow("encode h (1 frame)", Ms(result.EncodeSeconds), "");
        costs.AddRow($"dynamics f, with the KV cache ({result.HistoryTurns} turns read)", Ms(result.DynamicsCachedSeconds), Gflops(result.DynamicsCachedFlops, result.DynamicsCachedSeconds));
        costs.AddRow($"dynamics f, without the cache ({result.HistoryTurns + 1} turns recomputed)", Ms(result.DynamicsUncachedSeconds), Gflops(result.DynamicsUncachedFlops, result.DynamicsUncachedSeconds));
        foreach (var decode in result.Decodes) costs.AddRow($"decode g, K = {decode.Steps}", Ms(decode.Seconds), "");
        costs.AddRow("imagined step, closed loop off (f + g), K = 1", Ms(result.OpenLoopStepSeconds), "");
        costs.AddRow("imagined step, closed loop on (f + g + h), K = 1", Ms(result.ClosedLoopStepSeconds), "");
        console.Write(costs);

        var imagination = new Table().Title($"imagined steps per second: B trajectories of {result.Horizon} steps from one {result.HistoryTurns}-turn history, latent reward, open loop (no decoding)");
        imagination.AddColumns("B", "one at a time", "batched", "speed-up", "batched, shared prefixes", "speed-up", "rows computed", "batched GFLOP/s", "speed-up at the peak");
        foreach (var row in result.Imagination)
            imagination.AddRow(row.Batch.ToString(_invariant), Rate(row.Steps / row.OneByOneSeconds), Rate(row.Steps / row.BatchedSeconds), Ratio(row.BatchedSpeedup),
                Rate(row.Steps / row.SharedSeconds), Ratio(row.SharedSpeedup), $"{row.SharedRowsComputed} of {row.Steps}", Gflops(row.Flops, row.BatchedSeconds), Ratio(row.SpeedupAtPeak));
        console.Write(imagination);

        var planners = new Table().Title($"planner decisions (MPC on ShapesWorld goal task 0, root history {result.HistoryCap} turns at most, closed loop, decode K = {result.PlannerDecodeSteps}, after one untimed decision)");
        planners.AddColumns("planner", "reward", "s / decision (mean)", "s / decision (max)", "decisions / s", "sequences / decision", "rows computed / decision");
        foreach (var row in result.Planners)
            planners.AddRow(row.Planner, row.Reward, row.MeanSeconds.ToString("F3", _invariant), row.MaxSeconds.ToString("F3", _invariant),
                (1 / row.MeanSeconds).ToString("F2", _invariant), row.SequencesPerDecision.ToString(_invariant), row.RowsComputedPerDecision.ToString(_invariant));
        planners.Caption(string.Join("; ", result.Planners.DistinctBy(row => row.Planner).Select(row => $"{row.Planner}: {row.Settings}")));
        console.Write(planners);
        console.WriteLine("Times are the fastest of repeated runs within ~1 s each (the least disturbed by other processes); one-at-a-time imagination at large B runs once. " +
            "GFLOP/s counts the dynamics' matrix products (projections, MLP, attention over every key of the new turn, state projections). " +
            "Shared prefixes: trajectories that agree on their first actions share rows (a prefix tree of branched KV caches). " +
            "Speed-up at the peak: what batching would give if the batched dynamics ran its matrix products at the measured matmul peak and nothing else took time, the most any batching could give here.");
    }

    static string Ms(double seconds) => (seconds * 1000).ToString(seconds < 0.01 ? "F3" : "F1", _invariant);

    static string Rate(double perSecond) => perSecond.ToString("F0", _invariant);

    static string Ratio(double ratio) => ratio.ToString("F1", _invariant) + "×";

    static string Gflops(double flops, double seconds) => (flops / seconds / 1e9).ToString("F1", _invariant);
}
