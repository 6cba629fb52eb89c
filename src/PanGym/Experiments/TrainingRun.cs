using PanGym.Data;
using PanGym.Training;
using PanGym.Training.Distributed;
using PanGym.WorldModel;

namespace PanGym.Experiments;

/// <summary>
/// One training run of a world model, the experiment behind <c>pangym train</c>: it checks the output folder, opens or
/// generates the episodes, builds the model (or loads the run's last checkpoint) and the <see cref="Training.Trainer"/>, and
/// trains within the step count and/or wall-clock budget, checkpointing as it goes. With several ranks (an MPI
/// <see cref="ICommunicator"/>), rank 0 generates the data first and every rank trains a replica.
/// </summary>
/// <example><code>
/// var options = TrainingRunOptions.NewRun("runs/tiny", WorldModelConfig.FromPreset("tiny"), new TrainingConfig(maxSteps: 100),
///     TrainingDataSource.FromFolder("data/shapes"));
/// TrainingResult result = TrainingRun.Execute(options);      // result.FinalStep == 100; result.ModelFolder holds the checkpoint
/// </code></example>
public sealed class TrainingRun : IDisposable
{
    TrainingRun(Trainer trainer, bool resumed, bool generatedData) => (Trainer, Resumed, GeneratedData) = (trainer, resumed, generatedData);

    /// <summary>The trainer, ready to run (its configuration, model and data set are there to describe).</summary>
    public Trainer Trainer { get; }

    /// <summary>Whether the run continues from a checkpoint.</summary>
    public bool Resumed { get; }

    /// <summary>Whether this call generated the episodes (on this rank).</summary>
    public bool GeneratedData { get; }

    /// <summary>The episodes the run trains on.</summary>
    public EpisodeDataset Dataset => Trainer.Dataset;

    /// <summary>Prepares the run that <paramref name="options"/> describe, up to its first step.</summary>
    /// <param name="options">The run.</param>
    /// <param name="communicator">The job's ranks (default: this process alone).</param>
    /// <param name="generation">Told after each generated episode (rank 0 generates, the other ranks then read its folder).</param>
    /// <param name="cancellationToken">Checked before each generated episode.</param>
    /// <exception cref="IOException">A new run's folder already holds one, a resume's holds no checkpoint, or the data is at fault.</exception>
    /// <exception cref="ArgumentException">The data does not fit the model, or a resume's data is not the run's.</exception>
    public static TrainingRun Open(TrainingRunOptions options, ICommunicator? communicator = null,
        IProgress<EpisodeGenerationProgress>? generation = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        communicator ??= SingleProcessCommunicator.Instance;
        bool resume = options.IsResume;
        string outFolder = resume ? TrainingOutput.EnsureNotFile(options.OutFolder) : TrainingOutput.EnsureNoRun(options.OutFolder);
        if (resume) TrainingOutput.EnsureHoldsCheckpoint(outFolder);

        bool generated = false;
        EpisodeDataset OpenData(IProgress<EpisodeGenerationProgress>? progress)
        {
            generated = options.Data.WillGenerate(outFolder, resume);
            return options.Data.Open(outFolder, resume, progress, cancellationToken);
        }
        var rootData = communicator.Agree(() => communicator.Rank == 0 ? OpenData(generation) : null);
        var dataset = communicator.Agree(() => rootData ?? OpenData(null));

        if (resume) return new TrainingRun(Trainer.Resume(outFolder, dataset, communicator, options.VerifyData, options.Threads), resume, generated);
        var model = PanWorldModel.Create(options.Model!, options.Training!.Seed);
        try
        {
            return new TrainingRun(Trainer.Create(model, dataset, options.Training, outFolder, communicator, options.VerifyData), resume, generated);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Trains until the step count or budget is reached or <paramref name="cancellationToken"/> is cancelled, then writes the final checkpoint.</summary>
    /// <param name="progress">Told after each step.</param>
    /// <param name="cancellationToken">Checked between steps; a cancelled run stops cleanly with a checkpoint.</param>
    public TrainingResult Run(IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Trainer.Run(progress, cancellationToken);

    /// <summary><see cref="Open"/>, <see cref="Run"/> and dispose, in one call.</summary>
    /// <param name="options">The run.</param>
    /// <param name="afterCheckpoint">Called after each checkpoint with the metrics so far and the curves file's path (PanGym.Video's <c>TrainingCurves.SavePng</c> draws them).</param>
    /// <param name="progress">Told after each step.</param>
    /// <param name="cancellationToken">Stops generation and training cleanly.</param>
    public static TrainingResult Execute(TrainingRunOptions options, Action<IReadOnlyList<TrainingMetric>, string>? afterCheckpoint = null,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        using var run = Open(options, cancellationToken: cancellationToken);
        run.Trainer.AfterCheckpoint = afterCheckpoint;
        return run.Run(progress, cancellationToken);
    }

    /// <summary>Releases the trainer and its model.</summary>
    public void Dispose() => Trainer.Dispose();
}
