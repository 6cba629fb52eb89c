using System.Text.Json.Nodes;
using PanGym.Data;
using PanGym.Envs;
using PanGym.Experiments;
using PanGym.Training;
using PanGym.WorldModel;

namespace PanGym.Tests.Experiments;

public sealed class TrainingRunTests : IDisposable
{
    readonly string _folder = Directory.CreateTempSubdirectory("pangym-training-run-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    static TrainingDataSource ShapesEpisodes(int episodes = 3) => TrainingDataSource.Generate(
        new EpisodeGenerator(() => new ShapesWorld(ShapesWorldConfig.ForSize(32)), GroundTruthExploration.PolicyFor),
        new EpisodeGenerationConfig(episodes, stepsPerEpisode: 5, baseSeed: 0));

    static TrainingConfig Fast(long steps) => new(maxSteps: steps, batchSize: 2, windowSteps: 2, logEvery: 1, seed: 0);

    [Fact]
    public void A_run_generates_its_episodes_trains_the_steps_and_writes_a_checkpoint_that_loads()
    {
        string run = Path.Combine(_folder, "run");
        var steps = new List<long>();
        var curves = new List<string>();
        var result = TrainingRun.Execute(TrainingRunOptions.NewRun(run, WorldModelConfig.Tiny, Fast(3), ShapesEpisodes()),
            afterCheckpoint: (_, path) => curves.Add(path), progress: new Recorder<TrainingProgress>(p => steps.Add(p.Step)));

        Assert.Equal((0L, 3L, TrainingStopReason.MaxSteps), (result.StartStep, result.FinalStep, result.StopReason));
        Assert.Equal(3, steps.Max());
        Assert.Equal(TrainingOutput.ModelFolder(run), result.ModelFolder);
        using (var model = WorldModelCheckpoint.Load(result.ModelFolder)) Assert.Equal("tiny", model.Config.Preset);
        Assert.Equal(TrainingOutput.CurvesFile(run), Assert.Single(curves));
        Assert.Equal(3, EpisodeDataset.Open(TrainingDataSource.GeneratedFolder(run)).Episodes.Count);
        var trained = File.ReadAllLines(TrainingOutput.MetricsFile(run)).Select(line => JsonNode.Parse(line)!)
            .Where(line => (string?)line["kind"] == TrainingMetric.TrainKind).Select(line => (long)line["step"]!);
        Assert.Equal([1L, 2L, 3L], trained);
    }

    [Fact]
    public void A_resume_continues_from_the_checkpoint_on_the_runs_own_episodes_and_a_new_run_there_is_refused()
    {
        string run = Path.Combine(_folder, "run");
        TrainingRun.Execute(TrainingRunOptions.NewRun(run, WorldModelConfig.Tiny, Fast(2), ShapesEpisodes()));

        using (var resumed = TrainingRun.Open(TrainingRunOptions.Resume(run)))
        {
            Assert.True(resumed.Resumed);
            Assert.False(resumed.GeneratedData);
            Assert.Equal(2, resumed.Trainer.Step);
            Assert.Equal(2, resumed.Trainer.Config.BatchSize);
            var result = resumed.Run();
            Assert.Equal((2L, 2L), (result.StartStep, result.FinalStep));
        }

        var refused = Assert.Throws<IOException>(() => TrainingRun.Open(TrainingRunOptions.NewRun(run, WorldModelConfig.Tiny, Fast(2), ShapesEpisodes())));
        Assert.Contains("already holds a training run", refused.Message);
        var nothing = Assert.ThrowsAny<IOException>(() => TrainingRun.Open(TrainingRunOptions.Resume(Path.Combine(_folder, "empty"), TrainingDataSource.RunData)));
        Assert.Contains("No training run to resume", nothing.Message);
    }

    [Fact]
    public void Generated_episodes_are_read_again_with_the_same_settings_and_refused_with_others()
    {
        string run = Path.Combine(_folder, "data-only");
        var source = ShapesEpisodes();
        Assert.Equal("ShapesWorld", source.EnvId);
        Assert.True(source.WillGenerate(run, resume: false));
        var progress = new List<int>();
        var generated = source.Open(run, resume: false, new Recorder<EpisodeGenerationProgress>(p => progress.Add(p.EpisodesDone)));
        Assert.Equal([1, 2, 3], progress);
        Assert.False(source.WillGenerate(run, resume: false));
        Assert.Equal(generated.StepCount, source.Open(run, resume: false).StepCount);
        Assert.Equal(generated.StepCount, TrainingDataSource.RunData.Open(run, resume: true).StepCount);

        var other = Assert.Throws<IOException>(() => ShapesEpisodes(episodes: 4).Open(run, resume: false));
        Assert.Contains("already holds a data set made with other settings", other.Message);
        var missing = Assert.Throws<IOException>(() => TrainingDataSource.RunData.Open(Path.Combine(_folder, "no-data"), resume: true));
        Assert.Contains("has no generated data folder", missing.Message);
    }

    [Fact]
    public void Options_are_checked_when_made()
    {
        var resume = TrainingRunOptions.Resume("run");
        Assert.Equal((true, null, null), (resume.IsResume, resume.Model, resume.Training));
        Assert.Same(TrainingDataSource.RunData, resume.Data);
        Assert.Equal(Path.GetFullPath("run"), resume.OutFolder);
        Assert.Throws<ArgumentOutOfRangeException>(() => TrainingRunOptions.Resume("run", threads: 0));
        Assert.Throws<ArgumentException>(() => TrainingRunOptions.NewRun(" ", WorldModelConfig.Tiny, Fast(1), ShapesEpisodes()));
        Assert.Throws<ArgumentNullException>(() => TrainingRunOptions.NewRun("run", WorldModelConfig.Tiny, null!, ShapesEpisodes()));
    }
}
