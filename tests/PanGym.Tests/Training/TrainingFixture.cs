using PanGym.Data;
using PanGym.Envs;
using PanGym.Training;
using PanGym.WorldModel;

namespace PanGym.Tests.Training;

/// <summary>
/// Shared by the trainer tests: a small 32×32 ShapesWorld data set (7 training and 1 validation episodes of 12 steps)
/// and a tiny world model saved once, so every test starts from the same weights whatever other tests do to torch's
/// global generator meanwhile.
/// </summary>
public sealed class TrainingFixture : IDisposable
{
    public TrainingFixture()
    {
        Root = Directory.CreateTempSubdirectory("pangym-training-").FullName;
        Dataset = new EpisodeGenerator(() => new ShapesWorld(ShapesWorldConfig.Small), GroundTruthExploration.PolicyFor)
            .Generate(new EpisodeGenerationConfig(episodes: 8, stepsPerEpisode: 12, baseSeed: 3, validationFraction: 0.125), Path.Combine(Root, "data"));
        InitialModel = Path.Combine(Root, "initial-model");
        using var model = PanGym.WorldModel.PanWorldModel.Create(WorldModelConfig.Tiny, seed: 7);
        WorldModelCheckpoint.Save(model, InitialModel);
    }

    public string Root { get; }

    public EpisodeDataset Dataset { get; }

    /// <summary>A tiny model's checkpoint folder.</summary>
    public string InitialModel { get; }

    /// <summary>A fresh copy of the initial tiny model.</summary>
    public PanGym.WorldModel.PanWorldModel LoadModel() => WorldModelCheckpoint.Load(InitialModel);

    /// <summary>A new, empty output folder.</summary>
    public string NewOutputFolder() => Path.Combine(Root, "runs", Guid.NewGuid().ToString("N")[..8]);

    /// <summary>A fast configuration for the tiny model: batches of windows of 2 actions.</summary>
    public static TrainingConfig FastConfig(long steps, int logEvery = 1, int validateEvery = 1000, int checkpointEvery = 1000,
        double learningRate = 2e-3, int warmupSteps = 5, double selfForcingFraction = 0, int batchSize = 2) =>
        new(maxSteps: steps, batchSize: batchSize, windowSteps: 2, learningRate: learningRate, warmupSteps: warmupSteps,
            validateEvery: validateEvery, validationBatches: 2, checkpointEvery: checkpointEvery, logEvery: logEvery,
            seed: 1, selfForcingFraction: selfForcingFraction);

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
