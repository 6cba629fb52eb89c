using PanGym.Data;
using PanGym.Tests.Cli;
using PanGym.Tests.Data;
using PanGym.Training;

namespace PanGym.Tests.Hardening;

/// <summary>
/// <c>pangym train</c> as a child process on data sets that go wrong: the data is checked before the first step, a run
/// that stops is resumable or restartable in the same folder, and an error mid-run keeps what was learned.
/// </summary>
public sealed class TrainingHardeningTests : IDisposable
{
    readonly string _folder = Directory.CreateTempSubdirectory("pangym-hardening-train-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    static readonly string TooLong = new('x', 40);

    /// <summary>Eight coded 6-step episodes; <paramref name="action"/> picks each action (episode, step).</summary>
    string DataSet(string name, Func<int, int, string>? action = null)
    {
        string folder = Path.Combine(_folder, name);
        using var writer = new EpisodeDatasetWriter(folder, TestEpisodes.Info());
        for (int e = 0; e < 8; e++)
            writer.WriteEpisode(TestEpisodes.CodedFrames(e, 6), [.. Enumerable.Range(0, 6).Select(t => action?.Invoke(e, t) ?? $"action {e}.{t}")], EpisodeSplit.Train);
        writer.Complete();
        return folder;
    }

    static string[] Train(string data, string run, params string[] extra) =>
        ["train", "--data", data, "--preset", "tiny", "--batch-size", "2", "--window", "2", "--log-every", "1", "--out", run, .. extra];

    [Fact]
    public void Data_faults_are_found_before_the_first_step_and_nothing_is_written()
    {
        string run = Path.Combine(_folder, "run");
        string longAction = DataSet("long", (e, t) => e == 7 && t == 5 ? TooLong : $"action {e}.{t}");
        CliProcess.AssertRefused(CliProcess.Run(Train(longAction, run, "--steps", "60")), "e000007", "32");
        Assert.False(Directory.Exists(run));

        string truncated = DataSet("truncated");
        var episode = EpisodeDataset.Open(truncated).Episodes[5];
        string file = Path.Combine(truncated, episode.File);
        File.WriteAllBytes(file, File.ReadAllBytes(file)[..^100]);
        CliProcess.AssertRefused(CliProcess.Run(Train(truncated, run, "--steps", "60")), episode.Id);
        Assert.False(Directory.Exists(run));

        string missing = DataSet("missing");
        var gone = EpisodeDataset.Open(missing).Episodes[6];
        File.Delete(Path.Combine(missing, gone.File));
        CliProcess.AssertRefused(CliProcess.Run(Train(missing, run, "--steps", "60")), gone.Id, "missing");
        Assert.False(Directory.Exists(run));
    }

    [Fact]
    public void A_run_stopped_before_its_first_checkpoint_is_restartable_and_says_so_on_resume()
    {
        string run = Path.Combine(_folder, "run");
        string data = DataSet("all-long", (_, _) => TooLong);
        string[] command = Train(data, run, "--steps", "60", "--skip-data-check");
        CliProcess.AssertRefused(CliProcess.Run(command), "32");
        Assert.False(Directory.Exists(TrainingOutput.CheckpointFolder(run)));
        CliProcess.AssertRefused(CliProcess.Run(command), "32");
        var resume = CliProcess.Run("train", "--resume", "--data", data, "--out", run);
        CliProcess.AssertRefused(resume, "No checkpoint to resume", "Start the run again");

        string good = DataSet("good");
        var rerun = CliProcess.Run(Train(good, run, "--steps", "2"));
        Assert.True(rerun.ExitCode == 0, rerun.Error);
        Assert.True(Directory.Exists(TrainingOutput.CheckpointFolder(run)));
    }

    [Fact]
    public void A_resume_after_an_interrupted_data_generation_names_the_real_problem()
    {
        string run = Path.Combine(_folder, "generated");
        Directory.CreateDirectory(Path.Combine(run, "data"));
        File.WriteAllText(Path.Combine(run, "data", "partial"), "");
        var resume = CliProcess.Run("train", "--resume", "--out", run);
        CliProcess.AssertRefused(resume, "No checkpoint to resume");
        Assert.DoesNotContain("--data", resume.Error);
    }

    [Fact]
    public void An_error_mid_run_checkpoints_what_was_learned_and_checkpoint_every_is_honoured()
    {
        string run = Path.Combine(_folder, "run");
        string data = DataSet("one-long", (e, t) => e == 3 && t == 5 ? TooLong : $"action {e}.{t}");
        var result = CliProcess.Run(Train(data, run, "--steps", "400", "--checkpoint-every", "1000", "--skip-data-check"));
        CliProcess.AssertRefused(result, "accepts at most 32");
        var state = TrainingCheckpoint.ReadState(run);
        Assert.True(state.Step >= 1, $"checkpointed at step {state.Step}");
        var metrics = TrainingMetric.ReadFile(TrainingOutput.MetricsFile(run));
        Assert.Equal(state.Step, metrics.Where(m => m.Kind == TrainingMetric.TrainKind).Max(m => m.Step));

        var resumed = CliProcess.Run("train", "--resume", "--data", data, "--out", run, "--skip-data-check");
        CliProcess.AssertRefused(resumed, "accepts at most 32");
        Assert.Equal(state.Step, TrainingCheckpoint.ReadState(run).Step);

        string every = Path.Combine(_folder, "every");
        var ok = CliProcess.Run(Train(DataSet("good"), every, "--steps", "6", "--checkpoint-every", "3"));
        Assert.True(ok.ExitCode == 0, ok.Error);
        Assert.Equal(6, TrainingCheckpoint.ReadState(every).Step);
    }

    [Fact]
    public void A_run_killed_mid_way_and_resumed_without_threads_logs_the_uninterrupted_runs_losses()
    {
        string data = DataSet("kill");
        string reference = Path.Combine(_folder, "reference"), killed = Path.Combine(_folder, "killed");
        string[] Run(string run) => Train(data, run, "--steps", "80", "--checkpoint-every", "10", "--threads", "1");
        var uninterrupted = CliProcess.Run(Run(reference));
        Assert.True(uninterrupted.ExitCode == 0, uninterrupted.Error);

        long killedAt = CliProcess.RunUntil(() => File.Exists(Path.Combine(TrainingOutput.CheckpointFolder(killed), "trainer.json")), Run(killed));
        Assert.True(killedAt < 80, $"the run finished before it could be killed (checkpoint at step {killedAt})");
        Assert.Equal(1, TrainingCheckpoint.ReadState(killed).IntraOpThreads);
        var resumed = CliProcess.Run("train", "--resume", "--data", data, "--out", killed);
        Assert.True(resumed.ExitCode == 0, resumed.Error);

        static string[] Losses(string run) => [.. File.ReadLines(TrainingOutput.MetricsFile(run)).Select(line =>
        {
            var m = System.Text.Json.Nodes.JsonNode.Parse(line)!;
            return $"{m["kind"]} {m["step"]} {m["loss"]} {m["flow"]} {m["latent"]}";
        })];
        Assert.Equal(Losses(reference), Losses(killed));
    }
}
