using PanGym.Training;

namespace PanGym.Tests.Cli;

public sealed class TrainCommandTests : IDisposable
{
    readonly string _folder = Directory.CreateTempSubdirectory("pangym-train-cli-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    static readonly string[] TinyRun = ["--env", "ShapesWorld-v0", "--episodes", "3", "--steps-per-episode", "5", "--preset", "tiny", "--batch-size", "2", "--window", "2"];

    [Fact]
    public void Trains_from_an_environment_then_refuses_to_overwrite_and_resumes()
    {
        string run = Path.Combine(_folder, "run");
        var (code, output, error) = CliRunner.Run(["train", .. TinyRun, "--steps", "3", "--out", run]);
        Assert.True(code == 0, error);
        Assert.Contains("3 episodes", output);
        Assert.Contains("MaxSteps at step 3", output);
        Assert.Contains(TrainingOutput.ModelFolder(run), output);
        Assert.True(File.Exists(Path.Combine(run, "data", "dataset.json")));
        Assert.True(File.Exists(TrainingOutput.CurvesFile(run)));
        var metrics = File.ReadAllText(TrainingOutput.MetricsFile(run));

        (code, _, error) = CliRunner.Run(["train", .. TinyRun, "--steps", "3", "--out", run]);
        Assert.Equal(2, code);
        Assert.Contains("already holds a training run", error);
        Assert.Equal(metrics, File.ReadAllText(TrainingOutput.MetricsFile(run)));

        (code, _, error) = CliRunner.Run(["train", .. TinyRun, "--resume", "--steps", "9", "--out", run]);
        Assert.Equal(2, code);
        Assert.Contains("--steps 9 (the run has 3)", error);

        (code, output, error) = CliRunner.Run(["train", .. TinyRun, "--steps", "3", "--resume", "--out", run]);
        Assert.True(code == 0, error);
        Assert.Contains("resuming at step 3", output);
    }

    [Theory]
    [InlineData("--steps", "0", "budget of zero")]
    [InlineData("--minutes", "0", "--minutes must be a positive number of minutes")]
    [InlineData("--minutes", "-1", "--minutes must be a positive number of minutes")]
    public void A_zero_budget_is_refused_before_any_data_is_made(string option, string value, string message)
    {
        string run = Path.Combine(_folder, "zero");
        var (code, _, error) = CliRunner.Run(["train", .. TinyRun, option, value, "--out", run]);
        Assert.Equal(2, code);
        Assert.Contains(message, error);
        Assert.False(Directory.Exists(run));
    }

    [Fact]
    public void Missing_inputs_are_clear_errors()
    {
        var (code, _, error) = CliRunner.Run("train", "--data", Path.Combine(_folder, "nowhere"), "--steps", "1", "--preset", "tiny", "--out", Path.Combine(_folder, "a"));
        Assert.Equal(2, code);
        Assert.Contains("No data set at", error);

        (code, _, error) = CliRunner.Run("train", "--steps", "1", "--out", Path.Combine(_folder, "b"));
        Assert.Equal(2, code);
        Assert.Contains("--env", error);

        (code, _, error) = CliRunner.Run(["train", .. TinyRun, "--out", Path.Combine(_folder, "c")]);
        Assert.Equal(2, code);
        Assert.Contains("--steps N and/or --minutes M", error);

        string file = Path.Combine(_folder, "file.txt");
        File.WriteAllText(file, "x");
        (code, _, error) = CliRunner.Run(["train", .. TinyRun, "--steps", "1", "--out", file]);
        Assert.Equal(2, code);
        Assert.Contains("is a file", error);

        (code, _, error) = CliRunner.Run("train", "--env", "ShapesWorld-v0", "--resume", "--out", Path.Combine(_folder, "never"));
        Assert.Equal(2, code);
        Assert.Contains("No training run to resume", error);
    }
}
