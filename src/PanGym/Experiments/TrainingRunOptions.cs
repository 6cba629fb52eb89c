using PanGym.Training;
using PanGym.WorldModel;

namespace PanGym.Experiments;

/// <summary>
/// What a <see cref="TrainingRun"/> does (<c>pangym train</c>'s settings): a new run of a world model built from
/// <see cref="Model"/> under <see cref="Training"/>, or the resume of the run in <see cref="OutFolder"/> with the settings
/// it stored. Validated once, at construction.
/// </summary>
public sealed record TrainingRunOptions
{
    TrainingRunOptions(string outFolder, bool resume, WorldModelConfig? model, TrainingConfig? training, TrainingDataSource data, bool verifyData, int? threads)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outFolder);
        ArgumentNullException.ThrowIfNull(data);
        if (threads is < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, "A thread count must be at least 1.");
        (OutFolder, IsResume, Model, Training, Data, VerifyData, Threads) = (Path.GetFullPath(outFolder), resume, model, training, data, verifyData, threads);
    }

    /// <summary>A new run in <paramref name="outFolder"/>, which must hold no run yet.</summary>
    /// <param name="outFolder">The run's output folder (see <see cref="TrainingOutput"/>).</param>
    /// <param name="model">The world model to build; its weights are initialised from <paramref name="training"/>'s seed.</param>
    /// <param name="training">Batches, optimizer, budget, seed.</param>
    /// <param name="data">The episodes.</param>
    /// <param name="verifyData">Whether every episode file and action is checked before the first step.</param>
    public static TrainingRunOptions NewRun(string outFolder, WorldModelConfig model, TrainingConfig training, TrainingDataSource data, bool verifyData = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(training);
        return new TrainingRunOptions(outFolder, resume: false, model, training, data, verifyData, threads: null);
    }

    /// <summary>The resume of the run in <paramref name="outFolder"/> from its last checkpoint, with its stored settings.</summary>
    /// <param name="outFolder">The run's output folder.</param>
    /// <param name="data">The episodes it trained on (default: those it generated into its own folder).</param>
    /// <param name="verifyData">Whether every episode file and action is checked before the first step.</param>
    /// <param name="threads">libtorch's intra-op threads; null keeps the run's own count, so its losses continue bit for bit.</param>
    public static TrainingRunOptions Resume(string outFolder, TrainingDataSource? data = null, bool verifyData = true, int? threads = null) =>
        new(outFolder, resume: true, model: null, training: null, data ?? TrainingDataSource.RunData, verifyData, threads);

    /// <summary>The run's output folder, as a full path.</summary>
    public string OutFolder { get; }

    /// <summary>Whether the run continues from its last checkpoint.</summary>
    public bool IsResume { get; }

    /// <summary>The world model of a new run (null for a resume).</summary>
    public WorldModelConfig? Model { get; }

    /// <summary>The training settings of a new run (null for a resume, which keeps its stored ones).</summary>
    public TrainingConfig? Training { get; }

    /// <summary>Where the episodes come from.</summary>
    public TrainingDataSource Data { get; }

    /// <summary>Whether every episode file and action is checked before the first step.</summary>
    public bool VerifyData { get; }

    /// <summary>A resume's libtorch thread count (null: the run's own).</summary>
    public int? Threads { get; }
}
