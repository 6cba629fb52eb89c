using System.Text.Json.Nodes;
using PanGym.DependencyInjection;
using PanGym.Envs;
using PanGym.Tests.Envs;

namespace PanGym.Tests.Cli;

/// <summary>An environment registered by its user goes through the same train and eval paths as the built-in ones.</summary>
[Collection(FFmpegCollection.Name)]
public sealed class CustomEnvironmentCommandTests : IDisposable
{
    readonly string _folder = Directory.CreateTempSubdirectory("pangym-custom-env-cli-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    static void AddDotWorld(PanGymBuilder pan) =>
        pan.AddGroundTruthEnvironment(DotWorld.Spec0, (_, kwargs) => DotWorld.Create(kwargs), _ => new DotExploration());

    [Fact]
    public void A_registered_environment_is_trained_and_evaluated_through_the_command_line()
    {
        string run = Path.Combine(_folder, "run"), report = Path.Combine(_folder, "report");
        var (code, output, error) = CliRunner.RunWith(AddDotWorld, "train", "--env", "DotWorld-v0", "--episodes", "3", "--steps-per-episode", "5",
            "--preset", "tiny", "--batch-size", "2", "--window", "2", "--steps", "2", "--out", run);
        Assert.True(code == 0, error);
        Assert.Contains("data: 3 episodes, 15 steps of 32×32 frames", output);
        var dataset = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "data", "dataset.json")))!;
        Assert.Equal("DotWorld-v0", dataset["metadata"]!["env"]!.GetValue<string>());
        Assert.Equal("dot-exploration", dataset["metadata"]!["policy"]!.GetValue<string>());

        (code, output, error) = CliRunner.RunWith(AddDotWorld, "eval", "--checkpoint", run, "--env", "DotWorld-v0",
            "--episodes", "2", "--horizon", "3", "--steps", "1", "--compare-open-loop", "false", "--out", report);
        Assert.True(code == 0, error);
        Assert.Contains("action fidelity", output);
        var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(report, "metrics.json")))!;
        Assert.Equal("DotWorld-v0", metrics["environment"]!.GetValue<string>());

        (code, _, error) = CliRunner.Run("eval", "--checkpoint", run, "--env", "DotWorld-v0", "--episodes", "2", "--horizon", "3", "--out", Path.Combine(_folder, "r2"));
        Assert.Equal(2, code);
        Assert.Contains("No environment named \"DotWorld-v0\"", error);
    }
}
