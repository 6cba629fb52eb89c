namespace PanGym.Training;

/// <summary>
/// Where a training run writes in its output folder: the resumable checkpoint (its world model is an ordinary
/// <see cref="WorldModel.WorldModelCheckpoint"/> folder that evaluation loads), the metrics log, the TensorBoard event
/// files and the loss curves.
/// </summary>
public static class TrainingOutput
{
    /// <summary>The latest complete checkpoint.</summary>
    public const string CheckpointFolderName = "checkpoint";

    /// <summary>A checkpoint being written; it becomes <see cref="CheckpointFolderName"/> only once complete.</summary>
    public const string StagingFolderName = "checkpoint.tmp";

    /// <summary>The previous checkpoint, kept while the new one is swapped in.</summary>
    public const string PreviousFolderName = "checkpoint.old";

    /// <summary>The world model inside a checkpoint.</summary>
    public const string ModelFolderName = "model";

    /// <summary>One JSON line per logged step and per validation.</summary>
    public const string MetricsFileName = "metrics.jsonl";

    /// <summary>TensorBoard event files (<c>tensorboard --logdir &lt;out&gt;/tensorboard</c>).</summary>
    public const string TensorBoardFolderName = "tensorboard";

    /// <summary>Train and validation loss curves, log scale.</summary>
    public const string CurvesFileName = "curves.png";

    /// <summary>The latest complete checkpoint of the run in <paramref name="outFolder"/>.</summary>
    public static string CheckpointFolder(string outFolder) => Path.Combine(Path.GetFullPath(outFolder), CheckpointFolderName);

    /// <summary>The world model of the latest checkpoint (load it with <see cref="WorldModel.WorldModelCheckpoint.Load"/>).</summary>
    public static string ModelFolder(string outFolder) => Path.Combine(CheckpointFolder(outFolder), ModelFolderName);

    /// <summary>The metrics log.</summary>
    public static string MetricsFile(string outFolder) => Path.Combine(Path.GetFullPath(outFolder), MetricsFileName);

    /// <summary>The TensorBoard log folder.</summary>
    public static string TensorBoardFolder(string outFolder) => Path.Combine(Path.GetFullPath(outFolder), TensorBoardFolderName);

    /// <summary>The loss-curve plot.</summary>
    public static string CurvesFile(string outFolder) => Path.Combine(Path.GetFullPath(outFolder), CurvesFileName);

    /// <summary>
    /// Checks that a new run may start in <paramref name="outFolder"/>: it is not a file and holds nothing a training run
    /// writes (other files, such as a data set, may be there). Returns the folder's full path.
    /// </summary>
    /// <exception cref="IOException">The folder is a file, or already holds a training run; the message says which entry.</exception>
    public static string EnsureNoRun(string outFolder)
    {
        string folder = EnsureNotFile(outFolder);
        if (RunEntries.FirstOrDefault(entry => Path.Exists(Path.Combine(folder, entry))) is string found)
            throw new IOException(
                $"The output folder {folder} already holds a training run ({found}); nothing was changed. " +
                "Resume it (Trainer.Resume, or `pangym train --resume`) or choose another output folder.");
        return folder;
    }

    /// <summary>The full path of <paramref name="outFolder"/>, checked not to be a file.</summary>
    /// <exception cref="IOException">It is a file.</exception>
    public static string EnsureNotFile(string outFolder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outFolder);
        string folder = Path.GetFullPath(outFolder);
        if (File.Exists(folder)) throw new IOException($"The output folder {folder} is a file, not a folder; choose a folder for the training run.");
        return folder;
    }

    /// <summary>Names in an output folder that only a training run writes: finding any of them means a run was there.</summary>
    static IReadOnlyList<string> RunEntries { get; } =
        [CheckpointFolderName, StagingFolderName, PreviousFolderName, MetricsFileName, TensorBoardFolderName, CurvesFileName];
}
