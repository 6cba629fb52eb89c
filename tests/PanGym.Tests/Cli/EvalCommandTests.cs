using System.Text.Json.Nodes;
using PanGym.Training;
using PanGym.WorldModel;

namespace PanGym.Tests.Cli;

[Collection(FFmpegCollection.Name)]
public sealed class EvalCommandTests : IDisposable
{
    readonly string _folder = Directory.CreateTempSubdirectory("pangym-eval-cli-").FullName;

    public EvalCommandTests()
    {
        using var model = PanGym.WorldModel.PanWorldModel.Create(WorldModelConfig.Tiny, seed: 3);
        WorldModelCheckpoint.Save(model, Checkpoint);
        WorldModelCheckpoint.Save(model, TrainingOutput.ModelFolder(Run));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    string Checkpoint => Path.Combine(_folder, "model");

    string Run => Path.Combine(_folder, "run");

    static readonly string[] Fast = ["--episodes", "2", "--horizon", "3", "--steps", "2"];

    [Fact]
    public void Evaluates_a_training_output_folder_and_prints_the_headline_figures()
    {
        string report = Path.Combine(_folder, "report");
        var (code, output, error) = CliRunner.Run(["eval", "--checkpoint", Run, "--env", "ShapesWorld-v0", .. Fast, "--out", report]);
        Assert.True(code == 0, error);
        Assert.Contains("action fidelity", output);
        Assert.Contains("copy last frame", output);
        Assert.Contains(Path.Combine(report, "report.html"), output);
        var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(report, "metrics.json")))!;
        Assert.InRange(metrics["action_fidelity"]!.GetValue<double>(), 0, 1);
        Assert.NotNull(metrics["psnr_copy_last"]);
        Assert.Equal(TrainingOutput.ModelFolder(Run), metrics["details"]!["checkpoint"]!.GetValue<string>());
        Assert.True(File.Exists(Path.Combine(report, "report.md")));
    }

    [Fact]
    public void MomentumWorld_adds_the_no_history_ablation()
    {
        string report = Path.Combine(_folder, "momentum");
        var (code, output, error) = CliRunner.Run(["eval", "--checkpoint", Checkpoint, "--env", "MomentumWorld-v0", .. Fast, "--out", report]);
        Assert.True(code == 0, error);
        Assert.Contains("no-history ablation", output);
        var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(report, "metrics.json")))!;
        Assert.NotNull(metrics["ablation"]!["mse_difference"]!["lower"]);
    }

    [Fact]
    public void Bad_input_is_a_clear_error_and_writes_nothing()
    {
        string report = Path.Combine(_folder, "never");
        var (code, _, error) = CliRunner.Run(["eval", "--checkpoint", Path.Combine(_folder, "nowhere"), "--env", "ShapesWorld-v0", .. Fast, "--out", report]);
        Assert.Equal(2, code);
        Assert.Contains("does not exist", error);

        string empty = Directory.CreateDirectory(Path.Combine(_folder, "empty")).FullName;
        (code, _, error) = CliRunner.Run(["eval", "--checkpoint", empty, "--env", "ShapesWorld-v0", .. Fast, "--out", report]);
        Assert.Equal(2, code);
        Assert.Contains("neither a world-model checkpoint", error);

        (code, _, error) = CliRunner.Run(["eval", "--checkpoint", Checkpoint, "--env", "NoSuchWorld-v0", .. Fast, "--out", report]);
        Assert.Equal(2, code);
        Assert.Contains("NoSuchWorld-v0", error);

        (code, _, error) = CliRunner.Run(["eval", "--checkpoint", Checkpoint, "--env", "ShapesWorld-v0", "--episodes", "1", "--out", report]);
        Assert.Equal(2, code);
        Assert.Contains("at least 2 episodes", error);
        Assert.False(Path.Exists(report));

        string file = Path.Combine(_folder, "report.txt");
        File.WriteAllText(file, "keep me");
        (code, _, error) = CliRunner.Run(["eval", "--checkpoint", Checkpoint, "--env", "ShapesWorld-v0", .. Fast, "--out", file]);
        Assert.Equal(2, code);
        Assert.Contains("is a file", error);
        Assert.Equal("keep me", File.ReadAllText(file));
    }

    [Fact]
    public void A_checkpoint_whose_weights_do_not_match_its_config_is_refused()
    {
        string mismatched = Path.Combine(_folder, "mismatched");
        Directory.CreateDirectory(mismatched);
        File.Copy(Path.Combine(Checkpoint, WorldModelCheckpoint.WeightsFileName), Path.Combine(mismatched, WorldModelCheckpoint.WeightsFileName));
        File.WriteAllText(Path.Combine(mismatched, WorldModelCheckpoint.ConfigFileName), WorldModelConfig.Small.ToJson());
        string report = Path.Combine(_folder, "mismatch-report");
        var (code, _, error) = CliRunner.Run(["eval", "--checkpoint", mismatched, "--env", "ShapesWorld-v0", .. Fast, "--out", report]);
        Assert.Equal(2, code);
        Assert.Contains("does not match", error);
        Assert.False(Path.Exists(report));
    }
}
