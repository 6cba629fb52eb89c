using PanGym.Data;
using PanGym.Envs;
using PanGym.Training;
using PanGym.WorldModel;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace PanGym.Tests.Training;

public sealed class TrainerTests(TrainingFixture fixture, ITestOutputHelper output) : IClassFixture<TrainingFixture>
{
    /// <summary>Records every progress report (and the sampler's position after each step); optionally crashes or cancels at a step.</summary>
    sealed class Recorder(Func<Trainer?>? trainer = null, long? crashAt = null, long? cancelAt = null, CancellationTokenSource? cancellation = null)
        : IProgress<TrainingProgress>
    {
        public List<TrainingProgress> Reports { get; } = [];

        public Dictionary<long, EpisodeWindowSamplerState> SamplerStates { get; } = [];

        public Dictionary<long, long> LiveTensors { get; } = [];

        public void Report(TrainingProgress value)
        {
            Reports.Add(value);
            if (trainer?.Invoke() is { } t) SamplerStates[value.Step] = t.SamplerState;
            LiveTensors[value.Step] = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            if (value.Step == crashAt) throw new SimulatedCrash();
            if (value.Step == cancelAt) cancellation!.Cancel();
        }

        public Dictionary<long, double> Losses => Reports.ToDictionary(r => r.Step, r => r.Loss);
    }

    sealed class SimulatedCrash : Exception;

    /// <summary>Bit-identical: same shape and every element equal.</summary>
    static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    static Dictionary<string, byte[]> FilesOf(string folder) =>
        Directory.GetFiles(folder, "*", SearchOption.AllDirectories).ToDictionary(f => Path.GetRelativePath(folder, f), File.ReadAllBytes);

    [Fact]
    public void Loss_falls_over_a_short_run_and_the_outputs_are_written()
    {
        string outFolder = fixture.NewOutputFolder();
        var config = TrainingFixture.FastConfig(60, logEvery: 10, validateEvery: 30, batchSize: 4);
        using var trainer = Trainer.Create(fixture.LoadModel(), fixture.Dataset, config, outFolder);
        var checkpoints = new List<(long Step, int Metrics, string Curves)>();
        trainer.AfterCheckpoint = (metrics, curves) =>
        {
            checkpoints.Add((trainer.Step, metrics.Count, curves));
            TrainingCurves.SavePng(metrics, curves);
        };
        var result = trainer.Run();
        output.WriteLine($"train loss {result.FirstTrainLoss:F4} -> {result.FinalTrainLoss:F4}; validation {result.FirstValidation?.Loss:F4} -> {result.FinalValidation?.Loss:F4}; " +
            $"{result.SamplesPerSecond:F1} samples/s; RSS {result.WorkingSetStart >> 20} -> {result.WorkingSetEnd >> 20} MiB");

        Assert.Equal((0, 60, 60L, TrainingStopReason.MaxSteps), (result.StartStep, result.FinalStep, result.ScheduleSteps, result.StopReason));
        Assert.True(result.FinalTrainLoss < 0.8 * result.FirstTrainLoss, $"train loss {result.FirstTrainLoss} -> {result.FinalTrainLoss}");
        Assert.Equal(0, result.FirstValidation!.Step);
        Assert.Equal(60, result.FinalValidation!.Step);
        Assert.True(result.FinalValidation.Loss < result.FirstValidation.Loss, $"validation loss {result.FirstValidation.Loss} -> {result.FinalValidation.Loss}");

        var metrics = TrainingMetric.ReadFile(TrainingOutput.MetricsFile(outFolder));
        Assert.Equal(metrics, trainer.Metrics);
        var train = metrics.Where(m => m.Kind == TrainingMetric.TrainKind).ToList();
        Assert.Equal([10L, 20, 30, 40, 50, 60], train.Select(m => m.Step));
        Assert.All(train, m => Assert.True(m.Lr > 0 && m.GradNorm > 0 && m.SamplesPerSecond > 0 && m.Elapsed > 0 && m.Flow > 0 && m.Latent >= 0));
        Assert.Equal(LearningRateSchedule.For(config, 60).At(59), train[^1].Lr!.Value, 12);
        Assert.Equal([0L, 30, 60], metrics.Where(m => m.Kind == TrainingMetric.ValidationKind).Select(m => m.Step));
        Assert.Contains("\"samples_per_second\":", File.ReadLines(TrainingOutput.MetricsFile(outFolder)).First(l => l.Contains("\"train\"")));

        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(TrainingOutput.CurvesFile(outFolder)).Take(4));
        Assert.Equal([60L], checkpoints.Select(c => c.Step));
        Assert.Equal((metrics.Count, TrainingOutput.CurvesFile(outFolder)), (checkpoints[0].Metrics, checkpoints[0].Curves));
        var events = Directory.GetFiles(TrainingOutput.TensorBoardFolder(outFolder), "events.out.tfevents.*");
        Assert.True(events.Length == 1 && new FileInfo(events[0]).Length > 100, "one TensorBoard event file with scalars");
        Assert.True(File.Exists(Path.Combine(TrainingOutput.ModelFolder(outFolder), WorldModelCheckpoint.WeightsFileName)));
    }

    [Fact]
    public void AfterCheckpoint_runs_after_every_checkpoint_and_without_it_no_curves_are_drawn()
    {
        string outFolder = fixture.NewOutputFolder();
        using var trainer = Trainer.Create(fixture.LoadModel(), fixture.Dataset, TrainingFixture.FastConfig(5, checkpointEvery: 2), outFolder);
        var calls = new List<(long Step, bool CheckpointOnDisk, string Curves)>();
        trainer.AfterCheckpoint = (metrics, curves) =>
        {
            Assert.Same(trainer.Metrics, metrics);
            calls.Add((trainer.Step, Directory.Exists(TrainingOutput.CheckpointFolder(outFolder)), curves));
        };
        trainer.Run();

        Assert.Equal([2L, 4, 5], calls.Select(c => c.Step));
        Assert.All(calls, c => Assert.True(c.CheckpointOnDisk));
        Assert.All(calls, c => Assert.Equal(TrainingOutput.CurvesFile(outFolder), c.Curves));
        Assert.False(File.Exists(TrainingOutput.CurvesFile(outFolder)), "the core trainer draws no curves itself");
    }

    [Fact]
    public void Resume_after_a_crash_and_an_interrupted_checkpoint_swap_matches_an_uninterrupted_run()
    {
        var config = TrainingFixture.FastConfig(12, checkpointEvery: 6, validateEvery: 4);
        string straightFolder = fixture.NewOutputFolder();
        using var straight = Trainer.Create(fixture.LoadModel(), fixture.Dataset, config, straightFolder);
        var straightRecord = new Recorder(() => straight);
        straight.Run(straightRecord);

        string crashedFolder = fixture.NewOutputFolder();
        var crashed = Trainer.Create(fixture.LoadModel(), fixture.Dataset, config, crashedFolder);
        Assert.Throws<SimulatedCrash>(() => crashed.Run(new Recorder(crashAt: 8)));
        crashed.Dispose();
        // The process died while swapping in a later checkpoint: the step-6 one was renamed away, the new one is half written.
        string checkpoint = TrainingOutput.CheckpointFolder(crashedFolder);
        Directory.Move(checkpoint, Path.Combine(crashedFolder, TrainingOutput.PreviousFolderName));
        string staging = Path.Combine(crashedFolder, TrainingOutput.StagingFolderName, TrainingOutput.ModelFolderName);
        Directory.CreateDirectory(staging);
        File.WriteAllBytes(Path.Combine(staging, WorldModelCheckpoint.WeightsFileName), [1, 2, 3]);

        using var resumed = Trainer.Resume(crashedFolder, fixture.Dataset);
        Assert.Equal(6, resumed.Step);
        Assert.Equal(12, resumed.ScheduleSteps);
        Assert.Equal(straightRecord.SamplerStates[6], resumed.SamplerState);
        Assert.False(Directory.Exists(Path.Combine(crashedFolder, TrainingOutput.StagingFolderName)));
        Assert.False(Directory.Exists(Path.Combine(crashedFolder, TrainingOutput.PreviousFolderName)));
        var resumedRecord = new Recorder(() => resumed);
        var result = resumed.Run(resumedRecord);

        Assert.Equal((6, 12), (result.StartStep, result.FinalStep));
        var expected = straightRecord.Losses.Where(kv => kv.Key > 6).OrderBy(kv => kv.Key).ToList();
        Assert.Equal(expected, resumedRecord.Losses.OrderBy(kv => kv.Key).ToList());
        foreach (var step in resumedRecord.SamplerStates.Keys) Assert.Equal(straightRecord.SamplerStates[step], resumedRecord.SamplerStates[step]);
        using (var scope = NewDisposeScope())
        {
            var (a, b) = (straight.Model.state_dict(), resumed.Model.state_dict());
            Assert.All(a, kv => Assert.True(Same(kv.Value, b[kv.Key]), $"{kv.Key} differs after resuming"));
        }

        var metrics = TrainingMetric.ReadFile(TrainingOutput.MetricsFile(crashedFolder));
        Assert.Equal(Enumerable.Range(1, 12).Select(s => (long)s), metrics.Where(m => m.Kind == TrainingMetric.TrainKind).Select(m => m.Step));
        var validation = metrics.Where(m => m.Kind == TrainingMetric.ValidationKind).ToList();
        Assert.Equal([0L, 4, 8, 12], validation.Select(m => m.Step));
        Assert.Equal(straight.Metrics.Where(m => m.Kind == TrainingMetric.ValidationKind).Select(m => m.Loss), validation.Select(m => m.Loss));
        output.WriteLine($"losses of steps 7-12, uninterrupted vs resumed: {string.Join(", ", expected.Select(kv => kv.Value.ToString("F6")))} (bit-identical)");
    }

    [Fact]
    public void Cancelling_writes_a_checkpoint_and_a_leftover_staging_folder_is_discarded_on_resume()
    {
        string outFolder = fixture.NewOutputFolder();
        using var cancellation = new CancellationTokenSource();
        var first = Trainer.Create(fixture.LoadModel(), fixture.Dataset, TrainingFixture.FastConfig(8), outFolder);
        var stopped = first.Run(new Recorder(cancelAt: 3, cancellation: cancellation), cancellation.Token);
        first.Dispose();
        Assert.Equal((3L, TrainingStopReason.Cancelled), (stopped.FinalStep, stopped.StopReason));

        string staging = Path.Combine(outFolder, TrainingOutput.StagingFolderName);
        Directory.CreateDirectory(staging);
        File.WriteAllText(Path.Combine(staging, "trainer.json"), "{ torn");
        using var resumed = Trainer.Resume(outFolder, fixture.Dataset);
        Assert.Equal(3, resumed.Step);
        Assert.False(Directory.Exists(staging));
        var result = resumed.Run();
        Assert.Equal((3L, 8L, TrainingStopReason.MaxSteps), (result.StartStep, result.FinalStep, result.StopReason));
    }

    [Fact]
    public void A_frozen_backbone_stays_bit_identical()
    {
        var tiny = WorldModelConfig.Tiny;
        var frozen = new WorldModelConfig("tiny-frozen", tiny.Encoder, tiny.Backbone,
            new LatentDynamicsConfig(tiny.Dynamics.LatentTokens, tiny.Dynamics.LatentWidth, tiny.Dynamics.MaxActionTokens, BackboneTraining.Frozen), tiny.Decoder);
        using var trainer = Trainer.Create(PanGym.WorldModel.PanWorldModel.Create(frozen, seed: 2), fixture.Dataset, TrainingFixture.FastConfig(4), fixture.NewOutputFolder());
        using var scope = NewDisposeScope();
        var backboneBefore = trainer.Model.Dynamics.Backbone.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        var decoderBefore = trainer.Model.Decoder.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        trainer.Run();

        Assert.All(trainer.Model.Dynamics.Backbone.state_dict(), kv => Assert.True(Same(kv.Value, backboneBefore[kv.Key]), $"backbone {kv.Key} changed"));
        Assert.Contains(trainer.Model.Decoder.state_dict(), kv => !Same(kv.Value, decoderBefore[kv.Key]));
        using var saved = WorldModelCheckpoint.Load(TrainingOutput.ModelFolder(trainer.OutputFolder));
        Assert.All(saved.Dynamics.Backbone.state_dict(), kv => Assert.True(Same(kv.Value, backboneBefore[kv.Key]), $"saved backbone {kv.Key} changed"));
    }

    [Fact]
    public void Bad_output_folders_are_refused_and_nothing_is_overwritten()
    {
        string file = Path.Combine(fixture.Root, $"{Guid.NewGuid():N}.txt");
        File.WriteAllText(file, "not a folder");
        using (var model = fixture.LoadModel())
        {
            Assert.Contains("is a file", Assert.Throws<IOException>(() => Trainer.Create(model, fixture.Dataset, TrainingFixture.FastConfig(2), file)).Message);
        }
        Assert.Contains("is a file", Assert.Throws<IOException>(() => Trainer.Resume(file, fixture.Dataset)).Message);

        string empty = fixture.NewOutputFolder();
        Directory.CreateDirectory(empty);
        Assert.Contains("No checkpoint to resume", Assert.Throws<IOException>(() => Trainer.Resume(empty, fixture.Dataset)).Message);
        Assert.Contains("does not exist", Assert.Throws<DirectoryNotFoundException>(() => Trainer.Resume(fixture.NewOutputFolder(), fixture.Dataset)).Message);

        string run = fixture.NewOutputFolder();
        using (var trainer = Trainer.Create(fixture.LoadModel(), fixture.Dataset, TrainingFixture.FastConfig(2), run)) trainer.Run();
        var before = FilesOf(run);
        using (var model = fixture.LoadModel())
        {
            var error = Assert.Throws<IOException>(() => Trainer.Create(model, fixture.Dataset, TrainingFixture.FastConfig(2), run));
            Assert.Contains("already holds a training run", error.Message);
        }
        var after = FilesOf(run);
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        Assert.All(before, kv => Assert.True(kv.Value.AsSpan().SequenceEqual(after[kv.Key]), $"{kv.Key} was changed"));
    }

    [Fact]
    public void A_data_set_that_does_not_fit_the_model_or_the_checkpoint_is_refused()
    {
        var small = new EpisodeGenerator(() => new ShapesWorld(ShapesWorldConfig.ForSize(16)), GroundTruthExploration.PolicyFor)
            .Generate(new EpisodeGenerationConfig(2, 4), Path.Combine(fixture.Root, $"data16-{Guid.NewGuid():N}"));
        using (var model = fixture.LoadModel())
        {
            var error = Assert.Throws<ArgumentException>(() => Trainer.Create(model, small, TrainingFixture.FastConfig(2), fixture.NewOutputFolder()));
            Assert.Contains("16×16 frames", error.Message);
            Assert.Contains("32×32", error.Message);
        }

        string run = fixture.NewOutputFolder();
        using (var trainer = Trainer.Create(fixture.LoadModel(), fixture.Dataset, TrainingFixture.FastConfig(1), run)) trainer.Run();
        var mismatch = Assert.Throws<ArgumentException>(() => Trainer.Resume(run, small));
        Assert.Contains("16×16 frames", mismatch.Message);
        Assert.Contains("checkpoint", mismatch.Message);

        var other = new EpisodeGenerator(() => new ShapesWorld(ShapesWorldConfig.Small), GroundTruthExploration.PolicyFor)
            .Generate(new EpisodeGenerationConfig(3, 4), Path.Combine(fixture.Root, $"other-{Guid.NewGuid():N}"));
        Assert.Contains("resume on the same data set", Assert.Throws<ArgumentException>(() => Trainer.Resume(run, other)).Message);
    }

    [Fact]
    public void A_time_budget_stops_the_run_and_calibrates_the_schedule()
    {
        var config = new TrainingConfig(budget: TimeSpan.FromSeconds(1.5), batchSize: 2, windowSteps: 2, warmupSteps: 2, calibrationSteps: 2,
            validateEvery: 1000, validationBatches: 1, logEvery: 5);
        string outFolder = fixture.NewOutputFolder();
        using var trainer = Trainer.Create(fixture.LoadModel(), fixture.Dataset, config, outFolder);
        var record = new Recorder();
        var result = trainer.Run(record);
        Assert.Equal(TrainingStopReason.Budget, result.StopReason);
        Assert.True(result.Elapsed >= TimeSpan.FromSeconds(1.5));
        Assert.Null(record.Reports[0].TotalSteps);
        Assert.Equal(result.ScheduleSteps, record.Reports[^1].TotalSteps);
        using var resumed = Trainer.Resume(outFolder, fixture.Dataset);
        Assert.Equal((result.FinalStep, result.ScheduleSteps), (resumed.Step, resumed.ScheduleSteps));
        output.WriteLine($"{result.FinalStep} steps in the 1.5 s budget; schedule fixed at {result.ScheduleSteps?.ToString() ?? "(not calibrated)"} steps");
    }

    [Fact]
    public void Self_forcing_steps_train_too()
    {
        using var trainer = Trainer.Create(fixture.LoadModel(), fixture.Dataset, TrainingFixture.FastConfig(6, selfForcingFraction: 1.0), fixture.NewOutputFolder());
        var record = new Recorder();
        var result = trainer.Run(record);
        Assert.Equal(6, result.FinalStep);
        Assert.All(record.Reports, r => Assert.True(double.IsFinite(r.Loss) && r.Loss > 0));
    }

    [Fact]
    public void Live_tensors_stay_steady_over_a_longer_run()
    {
        var config = TrainingFixture.FastConfig(150, logEvery: 25, validateEvery: 50, checkpointEvery: 75, selfForcingFraction: 0.3);
        using var trainer = Trainer.Create(fixture.LoadModel(), fixture.Dataset, config, fixture.NewOutputFolder());
        var record = new Recorder();
        var result = trainer.Run(record);
        var live = record.LiveTensors;
        output.WriteLine($"live tensors at steps 10/50/100/150: {live[10]}/{live[50]}/{live[100]}/{live[150]}; " +
            $"RSS {result.WorkingSetStart / (1 << 20)} MiB -> {result.WorkingSetEnd / (1 << 20)} MiB; {result.SamplesPerSecond:F1} samples/s");
        Assert.All(live.Where(kv => kv.Key >= 10), kv => Assert.Equal(live[10], kv.Value));
    }
}
