using PanGym.Data;
using PanGym.Envs;
using PanGym.Tests.Cli;
using PanGym.Training;

namespace PanGym.Tests.Training.Distributed;

/// <summary>
/// Shared by the MPI tests: two ShapesWorld data sets of the same shape but other episodes, and two uninterrupted runs
/// of the same 20 steps on the first: one process with batch 8, and 2 MPI ranks with 4 windows each of the same global
/// batches. Tiny preset, one thread per rank.
/// </summary>
public sealed class DistributedTrainingFixture : IDisposable
{
    public const int Steps = 20;

    public DistributedTrainingFixture()
    {
        Root = Directory.CreateTempSubdirectory("pangym-mpi-").FullName;
        Data = Generate("data", seed: 3);
        OtherData = Generate("other-data", seed: 4);
        SingleProcessRun = Path.Combine(Root, "one-process");
        var (code, _, error) = CliRunner.Run(["train", .. TrainArguments(Data, SingleProcessRun)]);
        Assert.True(code == 0, error);
        TwoRankRun = Path.Combine(Root, "two-ranks");
        var job = MpiJob.Run(2, ["train", .. TrainArguments(Data, TwoRankRun), "--distributed", "mpi"]);
        Assert.True(job.ExitCode == 0, job.Error + job.Output);
        TwoRankOutput = job.Output;
    }

    public string Root { get; }

    public string Data { get; }

    /// <summary>A data set of the same frame size and counts as <see cref="Data"/>, with other episodes.</summary>
    public string OtherData { get; }

    public string SingleProcessRun { get; }

    public string TwoRankRun { get; }

    /// <summary>What rank 0 of the two-rank run printed.</summary>
    public string TwoRankOutput { get; }

    /// <summary>A tiny run of <see cref="Steps"/> steps with global batches of 8 windows, a metric line per step and a checkpoint every 5.</summary>
    public static string[] TrainArguments(string data, string outFolder, long steps = Steps) =>
        ["--data", data, "--preset", "tiny", "--batch-size", "8", "--window", "2", "--steps", steps.ToString(), "--log-every", "1", "--checkpoint-every", "5",
            "--threads", "1", "--seed", "1", "--out", outFolder];

    /// <summary>The training losses of a run's metrics file, by step.</summary>
    public static SortedDictionary<long, double> TrainLosses(string run) =>
        new(TrainingMetric.ReadFile(TrainingOutput.MetricsFile(run)).Where(m => m.Kind == TrainingMetric.TrainKind).ToDictionary(m => m.Step, m => m.Loss));

    public void Dispose() => Directory.Delete(Root, recursive: true);

    string Generate(string name, int seed) =>
        new EpisodeGenerator(() => new ShapesWorld(ShapesWorldConfig.Small), GroundTruthExploration.PolicyFor)
            .Generate(new EpisodeGenerationConfig(episodes: 8, stepsPerEpisode: 12, baseSeed: seed, validationFraction: 0.125), Path.Combine(Root, name)).Folder;
}
