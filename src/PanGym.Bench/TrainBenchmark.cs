using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using PanGym.Data;
using PanGym.Envs;
using PanGym.IO;
using PanGym.Training;
using PanGym.Training.Distributed;
using PanGym.WorldModel;

namespace PanGym.Bench;

/// <summary>
/// <c>pangym bench train</c>: data-parallel training speed. It generates a small ShapesWorld data set, then launches
/// <c>mpiexec -n 1</c> and <c>mpiexec -n N</c> jobs of the bench tool (<c>dotnet PanGym.Bench.dll train … --worker</c>),
/// each rank training the preset on a fixed per-rank batch with a fixed number of threads (weak scaling), and measures
/// samples/s for each job, the scaling efficiency (samples/s at N ranks over N times the 1-rank rate), the share of a
/// step that the gradient all-reduce takes (on rank 0; it includes waiting for the slowest rank), the gradient's size,
/// and the float32 matmul peak at the same thread count. <see cref="TrainBenchmarkTables"/> prints the result.
/// </summary>
public static class TrainBenchmark
{
    static readonly CultureInfo _invariant = CultureInfo.InvariantCulture;

    /// <summary>Runs the 1-rank and the N-rank job with MPICH's launcher <paramref name="mpiexec"/> (a name on PATH or a path).</summary>
    /// <exception cref="IOException">The launcher is not installed, or a job failed (the message holds its output).</exception>
    public static TrainBenchmarkResult Run(TrainBenchmarkOptions options, string mpiexec = "mpiexec.mpich")
    {
        ArgumentNullException.ThrowIfNull(options);
        var launcher = Launcher(mpiexec);
        double peak = MatmulPeak.MeasureGflops();
        string folder = Directory.CreateTempSubdirectory("pangym-bench-train-").FullName;
        try
        {
            string data = Path.Combine(folder, "data");
            int episodes = Math.Max(8, 2 * options.Ranks * options.BatchPerRank);
            new EpisodeGenerator(() => new ShapesWorld(ShapesWorldConfig.ForSize(options.Model.ImageSize)), GroundTruthExploration.PolicyFor)
                .Generate(new EpisodeGenerationConfig(episodes, stepsPerEpisode: options.Window + 8, baseSeed: 0, validationFraction: 0), data);
            var jobs = new[] { 1, options.Ranks }.Select(n => Launch(launcher, n, options, data, folder)).ToList();
            return new TrainBenchmarkResult(options, peak, jobs);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Runs one worker job of <paramref name="ranks"/> ranks and reads rank 0's figures.</summary>
    static TrainBenchmarkJob Launch(string[] launcher, int ranks, TrainBenchmarkOptions options, string data, string folder)
    {
        string resultFile = Path.Combine(folder, $"result-{ranks}.json");
        var start = new ProcessStartInfo(launcher[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in (string[])["-n", ranks.ToString(_invariant), .. launcher[1..], "train", .. options.Arguments(),
                     "--worker", data, "--result", resultFile]) start.ArgumentList.Add(argument);
        start.Environment["OMP_NUM_THREADS"] = options.Threads.ToString(_invariant);
        using var process = Process.Start(start) ?? throw new IOException($"Could not start {launcher[0]}.");
        var output = process.StandardOutput.ReadToEndAsync();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0 || !File.Exists(resultFile))
            throw new IOException($"The {ranks}-rank benchmark job failed (exit code {process.ExitCode}): {(error + output.Result).Trim().ReplaceLineEndings(" ")}");
        return TrainBenchmarkJob.FromJson(JsonNode.Parse(File.ReadAllText(resultFile))!.AsObject());
    }

    /// <summary>
    /// One rank of a worker job (an MPI job of the bench tool): trains warm-up plus timed steps on <paramref name="data"/>
    /// and, on rank 0, writes the figures to <paramref name="resultFile"/>.
    /// </summary>
    public static void RunWorker(TrainBenchmarkOptions options, string data, string resultFile)
    {
        ArgumentNullException.ThrowIfNull(options);
        using var mpi = new MpiCommunicator();
        try
        {
            Work(options, new TimedCommunicator(mpi), data, resultFile);
        }
        catch (Exception e) when (mpi.Size > 1)
        {
            Console.Error.WriteLine($"error: {mpi}: {e.Message}");
            mpi.Abort(1);
            throw;
        }
    }

    static void Work(TrainBenchmarkOptions options, TimedCommunicator communicator, string data, string resultFile)
    {
        var dataset = EpisodeDataset.Open(data);
        int globalBatch = options.BatchPerRank * communicator.Size;
        var config = new TrainingConfig(maxSteps: options.Warmup + options.Steps, batchSize: globalBatch, windowSteps: options.Window,
            validationBatches: 0, checkpointEvery: int.MaxValue, logEvery: int.MaxValue);
        string outFolder = Path.Combine(Path.GetDirectoryName(resultFile)!, $"run-{communicator.Size}");
        using var trainer = Trainer.Create(PanWorldModel.Create(options.Model, seed: 0), dataset, config, outFolder, communicator);
        var marks = new Dictionary<long, (long Time, TimeSpan Reduce)>();
        trainer.Run(new StepMarks(p => marks[p.Step] = (Stopwatch.GetTimestamp(), communicator.SumTime)));
        if (communicator.Rank != 0) return;
        var (first, last) = (marks[options.Warmup], marks[options.Warmup + options.Steps]);
        int timed = options.Steps;
        double seconds = Stopwatch.GetElapsedTime(first.Time, last.Time).TotalSeconds;
        var job = new TrainBenchmarkJob(communicator.Size, globalBatch, timed, Math.Round(timed * globalBatch / seconds, 3), Math.Round(seconds * 1000 / timed, 3),
            Math.Round((last.Reduce - first.Reduce).TotalMilliseconds / timed, 4), trainer.Model.TrainableParameters().Sum(p => p.numel()));
        AtomicFile.WriteAllText(resultFile, job.ToJson().ToJsonString());
    }

    /// <summary>How to start the bench tool under the MPI launcher: the launcher, the dotnet host and PanGym.Bench.dll.</summary>
    static string[] Launcher(string mpiexec)
    {
        string? found = mpiexec.Contains('/') ? (File.Exists(mpiexec) ? mpiexec : null)
            : (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(dir => Path.Combine(dir, mpiexec)).FirstOrDefault(File.Exists);
        if (found is null)
            throw new IOException($"bench train launches MPI jobs with {mpiexec}, which is not installed (Debian/Ubuntu: sudo apt-get install mpich); or name MPICH's launcher with --mpiexec.");
        string dll = typeof(TrainBenchmark).Assembly.Location;
        string host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH")
            ?? (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet");
        return [found, host, dll];
    }

    /// <summary>Reports on the calling thread at once (<see cref="Progress{T}"/> would post to a thread pool).</summary>
    sealed class StepMarks(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
