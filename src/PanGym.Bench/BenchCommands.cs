using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using PanGym.IO;
using Spectre.Console;
using TorchSharp;

namespace PanGym.Bench;

/// <summary>
/// The bench tool's commands, parsing and printing only: on its own the command measures the world model
/// (<see cref="WorldModelBenchmark"/>); <c>lm</c> the backbone (<see cref="LmBenchmark"/>); <c>train</c> data-parallel
/// training over MPI (<see cref="TrainBenchmark"/>). The same tree serves <c>pangym-bench</c> and <c>pangym bench</c>.
/// </summary>
public static class BenchCommands
{
    /// <summary>Adds the world-model benchmark's options and action to <paramref name="bench"/>, and the <c>lm</c> and <c>train</c> subcommands.</summary>
    public static void AddTo(Command bench)
    {
        ArgumentNullException.ThrowIfNull(bench);
        AddWorldModel(bench);
        bench.Subcommands.Add(Lm());
        bench.Subcommands.Add(Train());
    }

    static void AddWorldModel(Command bench)
    {
        var preset = new Option<string>("--preset") { Description = "World-model preset when no --checkpoint is given: tiny or small (random weights: speed only).", DefaultValueFactory = _ => "small" };
        var checkpoint = new Option<DirectoryInfo?>("--checkpoint") { Description = "A world-model checkpoint folder to measure instead of a preset." };
        var batches = new Option<string>("--batches") { Description = "Comma-separated batch sizes B for imagination.", DefaultValueFactory = _ => "1,16,256" };
        var horizon = new Option<int>("--horizon") { Description = "Imagined steps per trajectory.", DefaultValueFactory = _ => Planning.CemConfig.Default.Horizon };
        var history = new Option<int>("--history") { Description = "Turns of shared history the trajectories branch from.", DefaultValueFactory = _ => 2 };
        var decodeSteps = new Option<string>("--decode-steps") { Description = "Comma-separated K (solver steps per decoded frame).", DefaultValueFactory = _ => "1,4,16" };
        var decisions = new Option<int>("--decisions") { Description = "Planner decisions timed per planner.", DefaultValueFactory = _ => 4 };
        var threads = ThreadsOption();
        var json = JsonOption();
        foreach (var option in new Option[] { preset, checkpoint, batches, horizon, history, decodeSteps, decisions, threads, json }) bench.Options.Add(option);
        bench.SetAction(parse =>
        {
            var options = new WorldModelBenchmarkOptions(parse.GetValue(preset)!, parse.GetValue(checkpoint)?.FullName, PositiveList(parse.GetValue(batches)!, "--batches"),
                parse.GetValue(horizon), parse.GetValue(history), PositiveList(parse.GetValue(decodeSteps)!, "--decode-steps"), parse.GetValue(decisions));
            ApplyThreads(parse.GetValue(threads));
            var result = WorldModelBenchmark.Run(options);
            var console = Console(parse.InvocationConfiguration.Output, 160);
            WorldModelBenchmarkTables.Write(console, result);
            WriteJson(console, parse.GetValue(json), result.ToJson());
            return 0;
        });
    }

    static Command Lm()
    {
        var presets = new Option<string>("--presets") { Description = $"Comma-separated presets: {string.Join(", ", LmBenchmark.AllPresets)}.", DefaultValueFactory = _ => string.Join(",", LmBenchmark.AllPresets) };
        var imageSize = new Option<int>("--image-size") { Description = "Side in pixels of the image the Qwen2.5-VL presets encode.", DefaultValueFactory = _ => 224 };
        var contexts = new Option<string>("--contexts") { Description = "Comma-separated context lengths.", DefaultValueFactory = _ => "16,64,256,1024" };
        var decodeSteps = new Option<int>("--decode-steps") { Description = "Most cached decode steps timed per context (the fastest is reported).", DefaultValueFactory = _ => 8 };
        var repetitions = new Option<int>("--repetitions") { Description = "Most runs of each uncached forward / prefill (the fastest is reported).", DefaultValueFactory = _ => 3 };
        var threads = ThreadsOption();
        var command = new Command("lm", "Decode and prefill speed of the Qwen2 backbone, with and without the KV cache; Qwen2.5-VL's vision tower per image and its decode step.")
        {
            presets, contexts, decodeSteps, repetitions, threads, imageSize,
        };
        command.SetAction(parse =>
        {
            var names = parse.GetValue(presets)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            var lengths = parse.GetValue(contexts)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(text => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : 0).ToArray();
            LmBenchmarkOptions options;
            try
            {
                options = new LmBenchmarkOptions(names, lengths, parse.GetValue(decodeSteps), parse.GetValue(repetitions), parse.GetValue(imageSize));
            }
            catch (ArgumentException e)
            {
                parse.InvocationConfiguration.Error.WriteLine($"error: {e.Message}");
                return 1;
            }
            var console = Console(parse.InvocationConfiguration.Output, 150);
            ApplyThreads(parse.GetValue(threads));
            LmBenchmarkTables.Write(console, LmBenchmark.Run(options));
            return 0;
        });
        return command;
    }

    static Command Train()
    {
        var preset = new Option<string>("--preset") { Description = "World-model preset: tiny or small.", DefaultValueFactory = _ => "small" };
        var ranks = new Option<int>("--ranks") { Description = "Ranks N of the job compared with one rank.", DefaultValueFactory = _ => 2 };
        var threads = new Option<int>("--threads") { Description = "libtorch threads per rank (fixed for every job).", DefaultValueFactory = _ => 1 };
        var batchPerRank = new Option<int>("--batch-per-rank") { Description = "Windows per rank per step; the global batch is N times it.", DefaultValueFactory = _ => 4 };
        var window = new Option<int>("--window") { Description = "Actions per training window.", DefaultValueFactory = _ => 4 };
        var steps = new Option<int>("--steps") { Description = "Timed steps per job.", DefaultValueFactory = _ => 10 };
        var warmup = new Option<int>("--warmup") { Description = "Untimed steps first (one-time costs), at least 1.", DefaultValueFactory = _ => 2 };
        var mpiexec = new Option<string>("--mpiexec") { Description = "MPICH's launcher.", DefaultValueFactory = _ => "mpiexec.mpich" };
        var json = JsonOption();
        var worker = new Option<DirectoryInfo?>("--worker") { Description = "Internal: run as one rank of a benchmark job on this data set.", Hidden = true };
        var result = new Option<FileInfo?>("--result") { Description = "Internal: where rank 0 of a worker job writes its figures.", Hidden = true };
        var command = new Command("train", "Data-parallel training speed: samples/s at 1 and N ranks over MPI, scaling efficiency and the all-reduce's share of a step.")
        {
            preset, ranks, threads, batchPerRank, window, steps, warmup, mpiexec, json, worker, result,
        };
        command.SetAction(parse =>
        {
            var options = new TrainBenchmarkOptions(parse.GetValue(preset)!, parse.GetValue(ranks), parse.GetValue(threads), parse.GetValue(batchPerRank),
                parse.GetValue(window), parse.GetValue(steps), parse.GetValue(warmup));
            torch.set_num_threads(options.Threads);
            if (parse.GetValue(worker) is { } data)
            {
                TrainBenchmark.RunWorker(options, data.FullName, parse.GetValue(result)?.FullName ?? throw new ArgumentException("--worker needs --result."));
                return 0;
            }
            var console = Console(parse.InvocationConfiguration.Output, 150);
            var figures = TrainBenchmark.Run(options, parse.GetValue(mpiexec)!);
            TrainBenchmarkTables.Write(console, figures);
            WriteJson(console, parse.GetValue(json), figures.ToJson());
            return 0;
        });
        return command;
    }

    static Option<int?> ThreadsOption() => new("--threads") { Description = "libtorch intra-op threads (default: libtorch's choice)." };

    static void ApplyThreads(int? threads)
    {
        if (threads is not int count) return;
        if (count < 1) throw new ArgumentException($"--threads must be at least 1, got {count}.");
        torch.set_num_threads(count);
    }

    static Option<FileInfo?> JsonOption() => new("--json") { Description = "Also write the figures to this JSON file." };

    static void WriteJson(IAnsiConsole console, FileInfo? file, JsonObject figures)
    {
        if (file is null) return;
        AtomicFile.WriteAllText(file.FullName, figures.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        console.WriteLine($"figures: {file.FullName}");
    }

    /// <summary>A console on <paramref name="output"/> at least <paramref name="minimumWidth"/> columns wide, so that tables do not wrap when redirected.</summary>
    static IAnsiConsole Console(TextWriter output, int minimumWidth)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
        console.Profile.Width = Math.Max(console.Profile.Width, minimumWidth);
        return console;
    }

    static int[] PositiveList(string text, string option)
    {
        var items = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var values = items.Select(item => int.TryParse(item, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : -1).ToArray();
        if (values.Length == 0 || values.Any(v => v < 1)) throw new ArgumentException($"{option} must be positive integers separated by commas, got \"{text}\".");
        return values;
    }
}
