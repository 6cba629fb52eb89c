using System.Text;
using TorchSharp;
using TorchSharp.Modules;
using PanGym.IO;

namespace PanGym.Training;

/// <summary>
/// Writes each <see cref="TrainingMetric"/> twice: a line appended to <c>metrics.jsonl</c> (flushed at once, so a crash
/// loses at most the line being written) and scalars in TensorBoard event files (tags <c>train/loss</c>,
/// <c>validation/loss</c>, …). It keeps every metric of the run in memory for the curves. metrics.jsonl is the record a
/// resume trusts: the TensorBoard events are rebuilt from it (see <see cref="Resume"/>). The log of a data-parallel
/// rank other than 0 is <see cref="InMemory"/>: it writes no file.
/// </summary>
internal sealed class TrainingMetricsLog
{
    readonly string? _path;
    readonly SummaryWriter? _tensorBoard;
    readonly List<TrainingMetric> _metrics;

    TrainingMetricsLog(string? outFolder, List<TrainingMetric> metrics)
    {
        _metrics = metrics;
        if (outFolder is null) return;
        _path = TrainingOutput.MetricsFile(outFolder);
        _tensorBoard = torch.utils.tensorboard.SummaryWriter(TrainingOutput.TensorBoardFolder(outFolder));
    }

    /// <summary>Every metric of the run so far, in order.</summary>
    public IReadOnlyList<TrainingMetric> Metrics => _metrics;

    /// <summary>A log that keeps its metrics in memory only.</summary>
    public static TrainingMetricsLog InMemory() => new(null, []);

    /// <summary>A new log in <paramref name="outFolder"/>.</summary>
    public static TrainingMetricsLog Create(string outFolder) => new(outFolder, []);

    /// <summary>
    /// Continues the log of a run resumed at <paramref name="step"/>: lines written after that step's checkpoint (steps
    /// the resumed run will take again) and a torn last line are dropped, the file rewritten atomically; the TensorBoard
    /// event files are replaced by one that holds exactly the kept metrics, so no step is logged twice.
    /// </summary>
    public static TrainingMetricsLog Resume(string outFolder, long step)
    {
        string path = TrainingOutput.MetricsFile(outFolder);
        var kept = File.Exists(path) ? TrainingMetric.ReadFile(path).Where(m => m.Step <= step).ToList() : [];
        var text = new StringBuilder();
        foreach (var metric in kept) text.Append(metric.ToJsonLine()).Append('\n');
        AtomicFile.WriteAllText(path, text.ToString());
        string events = TrainingOutput.TensorBoardFolder(outFolder);
        if (Directory.Exists(events)) Directory.Delete(events, recursive: true);
        var log = new TrainingMetricsLog(outFolder, kept);
        foreach (var metric in kept) log.WriteScalars(metric);
        return log;
    }

    /// <summary>Appends <paramref name="metric"/> to the file and to TensorBoard.</summary>
    public void Write(TrainingMetric metric)
    {
        _metrics.Add(metric);
        if (_path is null || _tensorBoard is null) return;
        using (var stream = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read))
        {
            stream.Write(Encoding.UTF8.GetBytes(metric.ToJsonLine() + "\n"));
            stream.Flush(flushToDisk: true);
        }
        WriteScalars(metric);
    }

    void WriteScalars(TrainingMetric metric)
    {
        if (_tensorBoard is null) return;
        string prefix = metric.Kind;
        int step = checked((int)metric.Step);
        _tensorBoard.add_scalar($"{prefix}/loss", (float)metric.Loss, step);
        _tensorBoard.add_scalar($"{prefix}/flow", (float)metric.Flow, step);
        _tensorBoard.add_scalar($"{prefix}/latent", (float)metric.Latent, step);
        if (metric.Reconstruction is double reconstruction) _tensorBoard.add_scalar($"{prefix}/reconstruction", (float)reconstruction, step);
        if (metric.Painted is double painted) _tensorBoard.add_scalar($"{prefix}/painted", (float)painted, step);
        if (metric.Lr is double lr) _tensorBoard.add_scalar($"{prefix}/lr", (float)lr, step);
        if (metric.GradNorm is double norm) _tensorBoard.add_scalar($"{prefix}/grad_norm", (float)norm, step);
        if (metric.SamplesPerSecond is double rate) _tensorBoard.add_scalar($"{prefix}/samples_per_second", (float)rate, step);
    }
}
