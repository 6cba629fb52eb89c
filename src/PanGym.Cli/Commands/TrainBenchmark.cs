using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using PanGym.Data;
using PanGym.Envs;
using PanGym.Training;
using PanGym.Training.Distributed;
using PanGym.WorldModel;
using Spectre.Console;
using static TorchSharp.torch;
using PanGym.IO;

namespace PanGym.Cli.Commands;

/// <summary>
/// <c>pangym bench train</c>: data-parallel training speed. It generates a small ShapesWorld data set, then launches
/// <c>mpiexec -n 1</c> and <c>mpiexec -n N</c> jobs of this same program, each rank training the preset on a fixed
/// per-rank batch with a fixed number of threads (weak scaling), and prints samples/s for each job, the scaling efficiency
/// (samples/s at N ranks over N times the 1-rank rate), the share of a step that the gradient all-reduce takes (on rank 0;
/// it includes waiting for the slowest rank), the gradient's size, and the float32 matmul peak at the same thread count.
/// </summary>
internal static class TrainBenchmark
{
    static readonly CultureInfo _invariant = CultureInfo.InvariantCulture;

    public static Command CreateCommand()
    {
        var preset = new Option<string>("--preset") { Description = "World-model preset: tiny or small.", DefaultValueFactory = _ => "small" };
        var ranks = new Option<int>("--ranks") { Description = "Ranks N of the job compared with one rank.", DefaultValueFactory = _ => 2 };
        var threads = new Option<int>("--threads") { Description = "libtorch threads per rank (fixed for every job).", DefaultValueFactory = _ => 1 };
        var batchPerRank = new Option<int>("--batch-per-rank") { Description = "Windows per rank per step; the global batch is N times it.", DefaultValueFactory = _ => 4 };
        var window = new Option<int>("--window") { Description = "Actions per training window.", DefaultValueFactory = _ => 4 };
        var steps = new Option<int>("--steps") { Description = "Timed steps per job.", DefaultValueFactory = _ => 10 };
        var warmup = new Option<int>("--warmup") { Description = "Untimed steps first (one-time costs), at least 1.", DefaultValueFactory = _ => 2 };
        var mpiexec = new Option<string>("--mpiexec") { Description = "MPICH's launcher.", DefaultValueFactory = _ => "mpiexec.mpich" };
        var json = new Option<FileInfo?>("--json") { Description = "Also write the figures to this JSON file." };
        var worker = new Option<DirectoryInfo?>("--worker") { Description = "Internal: run as one rank of a benchmark job on this data set.", Hidden = true };
        var result = new Option<FileInfo?>("--result") { Description = "Internal: where rank 0 of a worker job writes its figures.", Hidden = true };
        var command = new Command("train", "Data-parallel training speed: samples/s at 1 and N ranks over MPI, scaling efficiency and the all-reduce's share of a step.")
        {
            preset, ranks, threads, batchPerRank, window, steps, warmup, mpiexec, json, worker, result,
        };
        command.SetAction(parse =>
        {
            var settings = new Settings(parse.GetValue(preset)!, parse.GetValue(ranks), parse.GetValue(threads), parse.GetValue(batchPerRank),
                parse.GetValue(window), parse.GetValue(steps), parse.GetValue(warmup));
            set_num_threads(settings.Threads);
            if (parse.GetValue(worker) is { } data)
            {
                RunWorker(settings, data.FullName, parse.GetValue(result)?.FullName ?? throw new ArgumentException("--worker needs --result."));
                return 0;
            }
            var console = CliConsole.Create(parse.InvocationConfiguration.Output, 150);
            var figures = Run(console, settings, Launcher(parse.GetValue(mpiexec)!));
            if (parse.GetValue(json) is { } file)
            {
                AtomicFile.WriteAllText(file.FullName, figures.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
                console.WriteLine($"figures: {file.FullName}");
            }
            return 0;
        });
        return command;
    }

    /// <summary>The benchmark's settings, checked once.</summary>
    sealed record Settings
    {
        public Settings(string preset, int ranks, int threads, int batchPerRank, int window, int steps, int warmup)
        {
            Model = WorldModelConfig.FromPreset(preset);
            if (ranks < 2) throw new ArgumentException($"--ranks must be at least 2 (it is compared with one rank), got {ranks}.");
            if (threads < 1) throw new ArgumentException($"--threads must be at least 1, got {threads}.");
            if (batchPerRank < 1) throw new ArgumentException($"--batch-per-rank must be at least 1, got {batchPerRank}.");
            if (window < 1) throw new ArgumentException($"--window must be at least 1, got {window}.");
            if (steps < 1) throw new ArgumentException($"--steps must be at least 1, got {steps}.");
            if (warmup < 1) throw new ArgumentException($"--warmup must be at least 1, got {warmup}.");
            (Preset, Ranks, Threads, BatchPerRank, Window, Steps, Warmup) = (preset.ToLowerInvariant(), ranks, threads, batchPerRank, window, steps, warmup);
        }

        public WorldModelConfig Model { get; }
        public string Preset { get; }
        public int Ranks { get; }
        public int Threads { get; }
        public int BatchPerRank { get; }
        public int Window { get; }
        public int Steps { get; }
        public int Warmup { get; }

        /// <summary>The options a worker job is launched with.</summary>
        public IEnumerable<string> Arguments() =>
        [
            "--preset", Preset, "--ranks", Ranks.ToString(_invariant), "--threads", Threads.ToString(_invariant), "--batch-per-rank", BatchPerRank.ToString(_invariant),
            "--window", Window.ToString(_invariant), "--steps", Steps.ToString(_invariant), "--warmup", Warmup.ToString(_invariant),
        ];
    }

    static JsonObject Run(IAnsiConsole console, Settings settings, string[] launcher)
    {
        double peak = MatmulPeak.MeasureGflops();
        string folder = Directory.CreateTempSubdirectory("pangym-bench-train-").FullName;
        try
        {
            string data = Path.Combine(folder, "data");
            int episodes = Math.Max(8, 2 * settings.Ranks * settings.BatchPerRank);
            new EpisodeGenerator(() => new ShapesWorld(ShapesWorldConfig.ForSize(settings.Model.ImageSize)), GroundTruthExploration.PolicyFor)
                .Generate(new EpisodeGenerationConfig(episodes, stepsPerEpisode: settings.Window + 8, baseSeed: 0, validationFraction: 0), data);
            var jobs = new[] { 1, settings.Ranks }.Select(n => Launch(launcher, n, settings, data, folder)).ToList();
            return Report(console, settings, peak, jobs);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Runs one worker job of <paramref name="ranks"/> ranks and reads rank 0's figures.</summary>
    static JsonObject Launch(string[] launcher, int ranks, Settings settings, string data, string folder)
    {
        string resultFile = Path.Combine(folder, $"result-{ranks}.json");
        var start = new ProcessStartInfo(launcher[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in (string[])["-n", ranks.ToString(_invariant), .. launcher[1..], "bench", "train", .. settings.Arguments(),
                     "--worker", data, "--result", resultFile]) start.ArgumentList.Add(argument);
        start.Environment["OMP_NUM_THREADS"] = settings.Threads.ToString(_invariant);
        using var process = Process.Start(start) ?? throw new IOException($"Could not start {launcher[0]}.");
        var output = process.StandardOutput.ReadToEndAsync();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0 || !File.Exists(resultFile))
            throw new IOException($"The {ranks}-rank benchmark job failed (exit code {process.ExitCode}): {(error + output.Result).Trim().ReplaceLineEndings(" ")}");
        return JsonNode.Parse(File.ReadAllText(resultFile))!.AsObject();
    }

    static JsonObject Report(IAnsiConsole console, Settings settings, double peak, IReadOnlyList<JsonObject> jobs)
    {
        double baseline = (double)jobs[0]["samples_per_second"]!;
        long gradientFloats = (long)jobs[^1]["gradient_floats"]!;
        var table = new Table().Title(
            $"pangym bench train: {settings.Preset} preset, {settings.BatchPerRank} windows of {settings.Window} actions per rank, {settings.Threads} thread(s) per rank, " +
            $"{settings.Steps} timed steps; gradient {gradientFloats:N0} floats ({gradientFloats * 4 / 1e6:F2} MB); 1024² float32 matmul peak {peak:F1} GFLOP/s at {settings.Threads} thread(s)");
        table.AddColumns("ranks", "global batch", "samples/s", "ms/step", "all-reduce ms/step", "all-reduce share", "scaling efficiency");
        var rows = new JsonArray();
        foreach (var job in jobs)
        {
            int ranks = (int)job["ranks"]!;
            double rate = (double)job["samples_per_second"]!, stepMs = (double)job["step_ms"]!, reduceMs = (double)job["allreduce_ms"]!;
            double efficiency = rate / (ranks * baseline);
            table.AddRow(ranks.ToString(_invariant), job["global_batch"]!.ToJsonString(), rate.ToString("F1", _invariant), stepMs.ToString("F1", _invariant),
                reduceMs.ToString("F2", _invariant), (reduceMs / stepMs).ToString("P1", _invariant), efficiency.ToString("P0", _invariant));
            var row = job.DeepClone().AsObject();
            row["scaling_efficiency"] = Math.Round(efficiency, 4);
            row["allreduce_share"] = Math.Round(reduceMs / stepMs, 4);
            rows.Add(row);
        }
        console.Write(table);
        return new JsonObject
        {
            ["preset"] = settings.Preset,
            ["threads_per_rank"] = settings.Threads,
            ["batch_per_rank"] = settings.BatchPerRank,
            ["window"] = settings.Window,
            ["matmul_peak_gflops"] = Math.Round(peak, 1),
            ["gradient_floats"] = gradientFloats,
            ["jobs"] = rows,
        };
    }

    /// <summary>One rank of a worker job: trains warm-up plus timed steps and, on rank 0, writes the figures.</summary>
    static void RunWorker(Settings settings, string data, string resultFile)
    {
        var communicator = new TimedCommunicator(DistributedJob.Join("mpi", timeoutSeconds: null));
        var dataset = EpisodeDataset.Open(data);
        int globalBatch = settings.BatchPerRank * communicator.Size;
        var config = new TrainingConfig(maxSteps: settings.Warmup + settings.Steps, batchSize: globalBatch, windowSteps: settings.Window,
            validationBatches: 0, checkpointEvery: int.MaxValue, logEvery: int.MaxValue);
        string outFolder = Path.Combine(Path.GetDirectoryName(resultFile)!, $"run-{communicator.Size}");
        using var trainer = Trainer.Create(PanGym.WorldModel.PanWorldModel.Create(settings.Model, seed: 0), dataset, config, outFolder, communicator);
        trainer.AfterCheckpoint = TrainingCurves.SavePng;
        var marks = new Dictionary<long, (long Time, TimeSpan Reduce)>();
        trainer.Run(new SyncProgress<TrainingProgress>(p => marks[p.Step] = (Stopwatch.GetTimestamp(), communicator.SumTime)));
        if (communicator.Rank != 0) return;
        var (first, last) = (marks[settings.Warmup], marks[settings.Warmup + settings.Steps]);
        int timed = settings.Steps;
        double seconds = Stopwatch.GetElapsedTime(first.Time, last.Time).TotalSeconds;
        var figures = new JsonObject
        {
            ["ranks"] = communicator.Size,
            ["global_batch"] = globalBatch,
            ["timed_steps"] = timed,
            ["samples_per_second"] = Math.Round(timed * globalBatch / seconds, 3),
            ["step_ms"] = Math.Round(seconds * 1000 / timed, 3),
            ["allreduce_ms"] = Math.Round((last.Reduce - first.Reduce).TotalMilliseconds / timed, 4),
            ["gradient_floats"] = trainer.Model.TrainableParameters().Sum(p => p.numel()),
        };
        AtomicFile.WriteAllText(resultFile, figures.ToJsonString());
    }

    /// <summary>How to start this program again: the dotnet host and PanGym.Cli.dll, after the MPI launcher.</summary>
    static string[] Launcher(string mpiexec)
    {
        string? found = mpiexec.Contains('/') ? (File.Exists(mpiexec) ? mpiexec : null)
            : (System.Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(dir => Path.Combine(dir, mpiexec)).FirstOrDefault(File.Exists);
        if (found is null)
            throw new IOException($"bench train launches MPI jobs with {mpiexec}, which is not installed (Debian/Ubuntu: sudo apt-get install mpich); or name MPICH's launcher with --mpiexec.");
        string dll = typeof(TrainBenchmark).Assembly.Location;
        string host = System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH")
            ?? (Path.GetFileNameWithoutExtension(System.Environment.ProcessPath) == "dotnet" ? System.Environment.ProcessPath! : "dotnet");
        return [found, host, dll];
    }

    /// <summary>A communicator that times the gradient all-reduce (its sums), to measure its share of a step.</summary>
    sealed class TimedCommunicator(ICommunicator inner) : ICommunicator
    {
        long _sumTicks;

        public int Rank => inner.Rank;

        public int Size => inner.Size;

        public TimeSpan SumTime => Stopwatch.GetElapsedTime(0, _sumTicks);

        public void SumInPlace(Span<float> values)
        {
            long start = Stopwatch.GetTimestamp();
            inner.SumInPlace(values);
            _sumTicks += Stopwatch.GetTimestamp() - start;
        }

        public void MaxInPlace(Span<long> values) => inner.MaxInPlace(values);

        public IReadOnlyList<byte[]> AllGather(ReadOnlySpan<byte> value) => inner.AllGather(value);
    }
}
