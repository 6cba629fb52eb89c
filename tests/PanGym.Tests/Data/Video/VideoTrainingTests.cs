using PanGym.Data.Video;
using PanGym.Tests.Cli;
using PanGym.Training;
using PanGym.WorldModel;
using Xunit.Abstractions;

namespace PanGym.Tests.Data.Video;

/// <summary>Ingested video trains a world model exactly as environment data does: through the Trainer and through <c>pangym train --data</c>.</summary>
[Collection(FFmpegCollection.Name)]
public sealed class VideoTrainingTests(VideoFixture fixture, ITestOutputHelper output) : IClassFixture<VideoFixture>
{
    [Fact]
    public void A_tiny_world_model_trains_on_the_ingested_clips_and_its_validation_loss_falls()
    {
        var config = new TrainingConfig(maxSteps: 40, batchSize: 4, windowSteps: 2, learningRate: 2e-3, warmupSteps: 5,
            validateEvery: 40, validationBatches: 2, checkpointEvery: 1000, logEvery: 10, seed: 1);
        using var trainer = Trainer.Create(PanGym.WorldModel.PanWorldModel.Create(WorldModelConfig.Tiny, seed: 7), fixture.Result.Dataset, config, fixture.NewFolder());
        var result = trainer.Run();
        output.WriteLine($"train {result.FirstTrainLoss:F4} -> {result.FinalTrainLoss:F4}; validation {result.FirstValidation?.Loss:F4} -> {result.FinalValidation?.Loss:F4}; {result.Elapsed}");
        Assert.Equal(40, result.FinalStep);
        Assert.Equal(0, result.FirstValidation!.Step);
        Assert.Equal(40, result.FinalValidation!.Step);
        Assert.True(result.FinalValidation.Loss < result.FirstValidation.Loss, $"validation loss {result.FirstValidation.Loss} -> {result.FinalValidation.Loss}");
    }

    [Fact]
    public void The_command_line_ingests_reports_failures_and_its_data_set_trains()
    {
        string data = fixture.NewFolder(), run = fixture.NewFolder();
        string missing = Path.Combine(fixture.Root, "missing.mp4");
        var (code, text, error) = CliRunner.Run("data", "ingest", fixture.VideoPath, missing, "--out", data, "--clip-length", "4", "--jobs", "2");
        output.WriteLine(text);
        Assert.True(code == 1, $"exit {code}: {error}");
        Assert.Contains("1 of 2 ingested", text);
        Assert.Contains("1 failed", text);
        Assert.Contains("failed: Cannot read the video", text);
        Assert.Contains("missing.mp4", text);
        Assert.Contains("too_dark", text);
        Assert.Contains("frames/s", text);
        Assert.True(File.Exists(Path.Combine(data, VideoIngestor.ReportFileName)));

        (code, text, error) = CliRunner.Run("train", "--data", data, "--preset", "tiny", "--steps", "2", "--batch-size", "2", "--window", "2", "--out", run);
        Assert.True(code == 0, error);
        Assert.Contains("MaxSteps at step 2", text);

        (code, _, error) = CliRunner.Run("data", "ingest", fixture.VideoPath, "--out", data);
        Assert.Equal(2, code);
        Assert.Contains("not empty", error);
        (code, _, error) = CliRunner.Run("data", "ingest", fixture.VideoPath, "--out", fixture.NewFolder(), "--captioner", "magic");
        Assert.Equal(2, code);
        Assert.Contains("Unknown --captioner \"magic\"", error);
        (code, _, error) = CliRunner.Run("data", "ingest", fixture.VideoPath, "--out", fixture.NewFolder(), "--size", "48", "--analysis-size", "64");
        Assert.Equal(2, code);
        Assert.Contains("analysisSize", error);
    }
}
