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
        Assert.Equal(["cem", "random", "cem"], figures["planners"]!.AsArray().Select(row => (string)row!["planner"]!));
        Assert.Equal(["latent goal", "latent goal", "probe, decode K = 1 (plan's default)"], figures["planners"]!.AsArray().Select(row => (string)row!["reward"]!));
    }

    [Fact]
    public void Bad_batch_sizes_are_refused()
    {
        var (code, _, error) = CliRunner.Run("bench", "--preset", "tiny", "--batches", "1,0");
        Assert.Equal(2, code);
        Assert.Contains("--batches must be positive integers", error);
    }
}
