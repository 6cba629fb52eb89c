using System.Text.Json.Nodes;

namespace PanGym.Bench;

/// <summary>One MPI job of <see cref="TrainBenchmark"/>, as its rank 0 measured it over the timed steps.</summary>
/// <param name="Ranks">Ranks in the job.</param>
/// <param name="GlobalBatch">Windows per step over all ranks.</param>
/// <param name="TimedSteps">Steps timed.</param>
/// <param name="SamplesPerSecond">Windows trained per second over all ranks.</param>
/// <param name="StepMs">Milliseconds per step.</param>
/// <param name="AllReduceMs">Milliseconds per step in the gradient all-reduce on rank 0 (waiting for the slowest rank included).</param>
/// <param name="GradientFloats">Floats in the gradient.</param>
public sealed record TrainBenchmarkJob(int Ranks, int GlobalBatch, int TimedSteps, double SamplesPerSecond, double StepMs, double AllReduceMs, long GradientFloats)
{
    /// <summary>The all-reduce's share of a step.</summary>
    public double AllReduceShare => AllReduceMs / StepMs;

    /// <summary>The figures as the worker writes them.</summary>
    public JsonObject ToJson() => new()
    {
        ["ranks"] = Ranks,
        ["global_batch"] = GlobalBatch,
        ["timed_steps"] = TimedSteps,
        ["samples_per_second"] = SamplesPerSecond,
        ["step_ms"] = StepMs,
        ["allreduce_ms"] = AllReduceMs,
        ["gradient_floats"] = GradientFloats,
    };

    /// <summary>Reads what <see cref="ToJson"/> wrote.</summary>
    public static TrainBenchmarkJob FromJson(JsonObject json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return new TrainBenchmarkJob((int)json["ranks"]!, (int)json["global_batch"]!, (int)json["timed_steps"]!, (double)json["samples_per_second"]!,
            (double)json["step_ms"]!, (double)json["allreduce_ms"]!, (long)json["gradient_floats"]!);
    }
}
