using System.Text.Json.Nodes;

namespace PanGym.Bench;

/// <summary>What <see cref="TrainBenchmark"/> measured: the 1-rank and the N-rank job beside the matmul peak at the same thread count.</summary>
/// <param name="Options">The settings it ran with.</param>
/// <param name="MatmulPeakGflops">The 1024² float32 matmul peak at <see cref="TrainBenchmarkOptions.Threads"/> threads.</param>
/// <param name="Jobs">The jobs, 1 rank first.</param>
public sealed record TrainBenchmarkResult(TrainBenchmarkOptions Options, double MatmulPeakGflops, IReadOnlyList<TrainBenchmarkJob> Jobs)
{
    /// <summary>Floats in the gradient that the ranks average.</summary>
    public long GradientFloats => Jobs[^1].GradientFloats;

    /// <summary>A job's scaling efficiency: its samples/s over N times the 1-rank rate.</summary>
    public double ScalingEfficiency(TrainBenchmarkJob job) => job.SamplesPerSecond / (job.Ranks * Jobs[0].SamplesPerSecond);

    /// <summary>The figures as JSON (<c>pangym bench train --json</c>).</summary>
    public JsonObject ToJson() => new()
    {
        ["preset"] = Options.Preset,
        ["threads_per_rank"] = Options.Threads,
        ["batch_per_rank"] = Options.BatchPerRank,
        ["window"] = Options.Window,
        ["matmul_peak_gflops"] = Math.Round(MatmulPeakGflops, 1),
        ["gradient_floats"] = GradientFloats,
        ["jobs"] = new JsonArray([.. Jobs.Select(job =>
        {
            var row = job.ToJson();
            row["scaling_efficiency"] = Math.Round(ScalingEfficiency(job), 4);
            row["allreduce_share"] = Math.Round(job.AllReduceShare, 4);
            return (JsonNode)row;
        })]),
    };
}
