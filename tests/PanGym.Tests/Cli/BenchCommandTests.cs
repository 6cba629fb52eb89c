using System.Text.Json.Nodes;

namespace PanGym.Tests.Cli;

public sealed class BenchCommandTests : IDisposable
{
    readonly string _folder = Directory.CreateTempSubdirectory("pangym-bench-cli-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Bench_measures_the_world_model_and_writes_the_figures_as_json()
    {
        string json = Path.Combine(_folder, "bench.json");
        var (code, text, error) = CliRunner.Run("bench", "--preset", "tiny", "--batches", "1,3", "--horizon", "2", "--decode-steps", "1",
            "--decisions", "1", "--json", json);

        Assert.True(code == 0, error);
        Assert.Contains("matmul peak", text);
        Assert.Contains("dynamics f, with the KV cache", text);
        Assert.Contains("one at a time", text);
        Assert.Contains("planner decisions", text);
        var figures = JsonNode.Parse(File.ReadAllText(json))!;
        Assert.Equal("tiny", (string)figures["preset"]!);
        Assert.True((double)figures["matmul_peak_gflops"]! > 0);
        Assert.True((double)figures["dynamics_cached_ms"]! > 0);
        Assert.True((double)figures["decode_ms"]!["1"]! > 0);
        Assert.Equal([1, 3], figures["imagination"]!.AsArray().Select(row => (int)row!["batch"]!));
        Assert.All(figures["imagination"]!.AsArray(), row => Assert.True((double)row!["batched_steps_per_s"]! > 0));
        Assert.All(figures["imagination"]!.AsArray(), row => Assert.True((double)row!["speedup_at_matmul_peak"]! > 0));
        Assert.Equal(["cem", "random", "cem", "mppi", "mppi, TD-MPC2 budget", "mppi, TD-MPC2 budget"], figures["planners"]!.AsArray().Select(row => (string)row!["planner"]!));
        Assert.Equal(["latent goal", "latent goal", "probe, decode K = 1 (plan's default)", "latent goal", "latent goal", "probe, decode K = 1 (plan's default)"],
            figures["planners"]!.AsArray().Select(row => (string)row!["reward"]!));
        Assert.Contains("mppi, TD-MPC2 budget: horizon 3, population 512, 6 iterations, λ 2, best 64 weighted", text);
    }

    [Fact]
    public void Bench_train_runs_one_and_two_rank_mpi_jobs_and_reports_their_rates_and_the_all_reduce_share()
    {
        string json = Path.Combine(_folder, "train.json");
        var (code, text, error) = CliRunner.Run("bench", "train", "--preset", "tiny", "--ranks", "2", "--steps", "2", "--warmup", "1",
            "--batch-per-rank", "2", "--window", "2", "--json", json);

        Assert.True(code == 0, error);
        Assert.Contains("matmul peak", text);
        Assert.Contains("scaling efficiency", text);
        var figures = JsonNode.Parse(File.ReadAllText(json))!;
        var jobs = figures["jobs"]!.AsArray();
        Assert.Equal([1, 2], jobs.Select(job => (int)job!["ranks"]!));
        Assert.Equal([2, 4], jobs.Select(job => (int)job!["global_batch"]!));
        Assert.All(jobs, job => Assert.True((double)job!["samples_per_second"]! > 0 && (double)job["scaling_efficiency"]! > 0));
        Assert.Equal(0, (double)jobs[0]!["allreduce_ms"]!);
        Assert.InRange((double)jobs[1]!["allreduce_share"]!, 1e-6, 1);
        Assert.True((long)figures["gradient_floats"]! > 100_000);

        (code, _, error) = CliRunner.Run("bench", "train", "--ranks", "1");
        Assert.Equal(2, code);
        Assert.Contains("--ranks must be at least 2", error);
    }

    [Fact]
    public void Bad_batch_sizes_are_refused()
    {
        var (code, _, error) = CliRunner.Run("bench", "--preset", "tiny", "--batches", "1,0");
        Assert.Equal(2, code);
        Assert.Contains("--batches must be positive integers", error);
    }
}
