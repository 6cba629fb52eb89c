namespace PanGym.Training;

/// <summary>
/// Where a training run writes in its output folder: the resumable checkpoint (its world model is an ordinary
/// <see cref="WorldModel.WorldModelCheckpoint"/> folder that evaluation loads), the metrics log, the TensorBoard event
/// files and the loss curves.
/// </summary>
/// <remarks>
/// A folder is never a dead end: one that holds a complete checkpoint (<c>checkpoint/</c>, or <c>checkpoint.old/</c> left by
/// a crash mid-swap) holds a run, which resumes; one without holds none, and what a run stopped before its first checkpoint
/// left behind (metrics.jsonl, tensorboard/, curves.png, a half-written <c>checkpoint.tmp/</c>) is cleared when a new run
/// starts there (<see cref="ClearUnfinishedRun"/>).
/// </remarks>
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

    /// <summary>Train and validation loss curves, log scale: written by <see cref="Trainer.AfterCheckpoint"/> when it draws them (as <c>pangym train</c> does, with PanGym.Video's <c>TrainingCurves</c>).</summary>
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
    /// Checks that a new run may start in <paramref name="outFolder"/>: it is not a file and holds no checkpoint (other
    /// files, such as a data set or an unfinished run's leftovers, may be there). Writes nothing. Returns the folder's full path.
    /// </summary>
    /// <exception cref="IOException">The folder is a file, or already holds a training run; the message says which entry.</exception>
    public static string EnsureNoRun(string outFolder)
    {
        string folder = EnsureNotFile(outFolder);
        if (CheckpointEntries.FirstOrDefault(entry => Directory.Exists(Path.Combine(folder, entry))) is string found)
            throw new IOException(
                $"The output folder {folder} already holds a training run ({found}/); nothing was changed. " +
                "Resume it (Trainer.Resume, or `pangym train --resume`) or choose another output folder.");
        return folder;
    }

    /// <summary>Throws unless <paramref name="outFolder"/> holds a complete checkpoint (or the old one of an interrupted swap), which a resume needs.</summary>
    /// <exception cref="IOException">It holds none: no run there got as far as its first checkpoint.</exception>
    public static void EnsureHoldsCheckpoint(string outFolder)
    {
        string folder = EnsureNotFile(outFolder);
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"No training run to resume at {folder}: the folder does not exist.");
        if (!CheckpointEntries.Any(entry => Directory.Exists(Path.Combine(folder, entry))))
            throw new IOException(
                $"No checkpoint to resume in {folder}: there is no {CheckpointFolderName}/ folder, so no run got as far as its first checkpoint. " +
                "Start the run again with its settings (not as a resume): a new run in this folder replaces what an unfinished one left.");
    }

    /// <summary>
    /// The files of a run that stopped before its first checkpoint, in <paramref name="outFolder"/> (metrics.jsonl,
    /// tensorboard/, curves.png, checkpoint.tmp/): empty when there are none, or when the folder holds a checkpoint.
    /// </summary>
    public static IReadOnlyList<string> UnfinishedRunEntries(string outFolder)
    {
        string folder = EnsureNotFile(outFolder);
        if (!Directory.Exists(folder) || CheckpointEntries.Any(entry => Directory.Exists(Path.Combine(folder, entry)))) return [];
        return [.. LeftoverEntries.Where(entry => Path.Exists(Path.Combine(folder, entry)))];
    }

    /// <summary>Deletes what <see cref="UnfinishedRunEntries"/> lists, so that a new run starts clean where an unfinished one stopped.</summary>
    public static void ClearUnfinishedRun(string outFolder)
    {
        string folder = EnsureNoRun(outFolder);
        foreach (string entry in UnfinishedRunEntries(folder))
        {
            string path = Path.Combine(folder, entry);
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
            else File.Delete(path);
        }
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

    /// <summary>Folders that hold a complete checkpoint (the old one while a new one is swapped in): finding one means a run is there.</summary>
    static IReadOnlyList<string> CheckpointEntries { get; } = [CheckpointFolderName, PreviousFolderName];

    /// <summary>What a run writes before (or besides) its first complete checkpoint.</summary>
    static IReadOnlyList<string> LeftoverEntries { get; } = [StagingFolderName, MetricsFileName, TensorBoardFolderName, CurvesFileName];
}
