using PanGym.Bench;

namespace PanGym.Tests.Bench;

public sealed class BenchResultTests
{
    [Fact]
    public void The_world_model_figures_are_written_as_milliseconds_rates_and_ratios()
    {
        var result = new WorldModelBenchmarkResult("tiny", Threads: 1, TurnTokens: 20, HistoryTurns: 2, Horizon: 3, MatmulPeakGflops: 100.123456,
            EncodeSeconds: 0.002, DynamicsCachedSeconds: 0.004, DynamicsUncachedSeconds: 0.012, DynamicsCachedFlops: 4e6, DynamicsUncachedFlops: 12e6,
            Decodes: [new DecodeTiming(1, 0.001), new DecodeTiming(4, 0.004)], OpenLoopStepSeconds: 0.005, ClosedLoopStepSeconds: 0.007,
            Imagination: [new ImaginationTiming(Batch: 4, Steps: 12, OneByOneSeconds: 0.12, BatchedSeconds: 0.04, SharedSeconds: 0.03, SharedRowsComputed: 9, Flops: 1e9, AtPeakSeconds: 0.01)],
            Planners: [new PlannerTiming("cem", "horizon 3", "latent goal", MeanSeconds: 0.5, MaxSeconds: 0.8, SequencesPerDecision: 96, RowsComputedPerDecision: 200)],
            HistoryCap: 8, PlannerDecodeSteps: 1);

        var json = result.ToJson();

        Assert.Equal(100.1235, (double)json["matmul_peak_gflops"]!);
        Assert.Equal(2.0, (double)json["encode_ms"]!);
        Assert.Equal(1.0, (double)json["dynamics_cached_gflops"]!);
        Assert.Equal(4.0, (double)json["decode_ms"]!["4"]!);
        Assert.Equal(7.0, (double)json["imagined_step_ms"]!["closed_loop"]!);
        var row = json["imagination"]![0]!;
        Assert.Equal((100.0, 300.0, 3.0, 4.0, 12.0), ((double)row["one_by_one_steps_per_s"]!, (double)row["batched_steps_per_s"]!,
            (double)row["batched_speedup"]!, (double)row["shared_speedup"]!, (double)row["speedup_at_matmul_peak"]!));
        Assert.Equal(25.0, (double)row["batched_gflops"]!);
        Assert.Equal(2.0, (double)json["planners"]![0]!["decisions_per_s"]!);
    }

    [Fact]
    public void The_training_figures_scale_each_job_against_n_times_the_one_rank_rate()
    {
        var result = new TrainBenchmarkResult(new TrainBenchmarkOptions("tiny", ranks: 2), MatmulPeakGflops: 50.06,
            [new TrainBenchmarkJob(1, 4, 10, SamplesPerSecond: 40, StepMs: 100, AllReduceMs: 0, GradientFloats: 1000),
             new TrainBenchmarkJob(2, 8, 10, SamplesPerSecond: 60, StepMs: 133, AllReduceMs: 13.3, GradientFloats: 1000)]);

        Assert.Equal(0.75, result.ScalingEfficiency(result.Jobs[1]));
        var json = result.ToJson();
        Assert.Equal(50.1, (double)json["matmul_peak_gflops"]!);
        Assert.Equal([1.0, 0.75], json["jobs"]!.AsArray().Select(job => (double)job!["scaling_efficiency"]!));
        Assert.Equal(0.1, (double)json["jobs"]![1]!["allreduce_share"]!);
        var job = TrainBenchmarkJob.FromJson(json["jobs"]![1]!.AsObject());
        Assert.Equal(result.Jobs[1], job);
    }

    [Fact]
    public void The_lm_benchmark_returns_a_row_per_preset_and_context_beside_the_matmul_peak()
    {
        var result = LmBenchmark.Run(new LmBenchmarkOptions(["tiny"], [4, 8], decodeSteps: 1, repetitions: 1));

        Assert.True(result.MatmulPeakGflops > 0);
        Assert.Equal([4, 8], result.Text.Select(row => row.Context));
        Assert.All(result.Text, row => Assert.True(row.CachedSeconds > 0 && row.UncachedFlops > row.CachedFlops && row.PrefillFlops > 0));
        Assert.Empty(result.VisionLanguage);
    }

    [Fact]
    public void Options_are_checked_when_made()
    {
        Assert.Contains("--horizon must be at least 1", Assert.Throws<ArgumentException>(() => new WorldModelBenchmarkOptions(horizon: 0)).Message);
        Assert.Contains("--batches", Assert.Throws<ArgumentException>(() => new WorldModelBenchmarkOptions(batchSizes: [1, 0])).Message);
        Assert.Contains("--presets must list some of tiny", Assert.Throws<ArgumentException>(() => new LmBenchmarkOptions(["gpt5"])).Message);
        Assert.Contains("--ranks must be at least 2", Assert.Throws<ArgumentException>(() => new TrainBenchmarkOptions("tiny", ranks: 1)).Message);
        Assert.Equal(2, BenchTool.Run(["--preset", "tiny", "--batches", "1,0"]));
    }
}
