using System.Globalization;
using System.Text.Json.Nodes;

namespace PanGym.Bench;

/// <summary>What <see cref="WorldModelBenchmark"/> measured; <see cref="ToJson"/> gives <c>pangym bench --json</c>'s figures.</summary>
/// <param name="Preset">The model's preset.</param>
/// <param name="Threads">libtorch's intra-op threads.</param>
/// <param name="TurnTokens">Tokens of one dynamics turn.</param>
/// <param name="HistoryTurns">Turns of shared history.</param>
/// <param name="Horizon">Imagined steps per trajectory.</param>
/// <param name="MatmulPeakGflops">The 1024² float32 matmul peak, measured in the same run.</param>
/// <param name="EncodeSeconds">The encoder h on one frame.</param>
/// <param name="DynamicsCachedSeconds">The dynamics f reading one turn on top of the history's KV cache.</param>
/// <param name="DynamicsUncachedSeconds">The dynamics f recomputing the whole history and the turn.</param>
/// <param name="DynamicsCachedFlops">Matrix-product FLOPs of the cached turn.</param>
/// <param name="DynamicsUncachedFlops">Matrix-product FLOPs of the recomputation.</param>
/// <param name="Decodes">The decoder g per solver-step count.</param>
/// <param name="OpenLoopStepSeconds">One imagined step through the engine with the closed loop off (f + g, K = 1).</param>
/// <param name="ClosedLoopStepSeconds">One imagined step with PAN's closed loop (f + g + h, K = 1).</param>
/// <param name="Imagination">Imagined steps per second per batch size.</param>
/// <param name="Planners">The planners' decision times.</param>
/// <param name="HistoryCap">Turns of history the planning model keeps at most.</param>
/// <param name="PlannerDecodeSteps">Solver steps of the probe reward's decode.</param>
public sealed record WorldModelBenchmarkResult(string Preset, int Threads, int TurnTokens, int HistoryTurns, int Horizon, double MatmulPeakGflops,
    double EncodeSeconds, double DynamicsCachedSeconds, double DynamicsUncachedSeconds, double DynamicsCachedFlops, double DynamicsUncachedFlops,
    IReadOnlyList<DecodeTiming> Decodes, double OpenLoopStepSeconds, double ClosedLoopStepSeconds,
    IReadOnlyList<ImaginationTiming> Imagination, IReadOnlyList<PlannerTiming> Planners, int HistoryCap, int PlannerDecodeSteps)
{
    /// <summary>The figures as JSON: times in ms, rates per second, GFLOP/s, rounded to 4 decimals.</summary>
    public JsonObject ToJson()
    {
        var decodes = new JsonObject();
        foreach (var decode in Decodes) decodes[decode.Steps.ToString(CultureInfo.InvariantCulture)] = Round(decode.Seconds * 1000);
        return new JsonObject
        {
            ["preset"] = Preset,
            ["threads"] = Threads,
            ["turn_tokens"] = TurnTokens,
            ["history_turns"] = HistoryTurns,
            ["horizon"] = Horizon,
            ["matmul_peak_gflops"] = Round(MatmulPeakGflops),
            ["encode_ms"] = Round(EncodeSeconds * 1000),
            ["dynamics_cached_ms"] = Round(DynamicsCachedSeconds * 1000),
            ["dynamics_uncached_ms"] = Round(DynamicsUncachedSeconds * 1000),
            ["dynamics_cached_gflops"] = Round(DynamicsCachedFlops / DynamicsCachedSeconds / 1e9),
            ["decode_ms"] = decodes,
            ["imagined_step_ms"] = new JsonObject { ["open_loop"] = Round(OpenLoopStepSeconds * 1000), ["closed_loop"] = Round(ClosedLoopStepSeconds * 1000) },
            ["imagination"] = new JsonArray([.. Imagination.Select(row => (JsonNode)new JsonObject
            {
                ["batch"] = row.Batch,
                ["one_by_one_steps_per_s"] = Round(row.Steps / row.OneByOneSeconds),
                ["batched_steps_per_s"] = Round(row.Steps / row.BatchedSeconds),
                ["batched_speedup"] = Round(row.BatchedSpeedup),
                ["shared_steps_per_s"] = Round(row.Steps / row.SharedSeconds),
                ["shared_speedup"] = Round(row.SharedSpeedup),
                ["shared_rows_computed"] = row.SharedRowsComputed,
                ["batched_gflops"] = Round(row.Flops / row.BatchedSeconds / 1e9),
                ["speedup_at_matmul_peak"] = Round(row.SpeedupAtPeak),
            })]),
            ["planners"] = new JsonArray([.. Planners.Select(row => (JsonNode)new JsonObject
            {
                ["planner"] = row.Planner,
                ["settings"] = row.Settings,
                ["reward"] = row.Reward,
                ["seconds_per_decision_mean"] = Round(row.MeanSeconds),
                ["seconds_per_decision_max"] = Round(row.MaxSeconds),
                ["decisions_per_s"] = Round(1 / row.MeanSeconds),
                ["sequences_per_decision"] = row.SequencesPerDecision,
                ["rows_computed_per_decision"] = row.RowsComputedPerDecision,
            })]),
        };
    }

    static double Round(double value) => Math.Round(value, 4);
}
