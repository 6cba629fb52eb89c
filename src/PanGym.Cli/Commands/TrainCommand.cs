using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using PanGym.Data;
using PanGym.Envs;
using PanGym.Gym;
using PanGym.Training;
using PanGym.Training.Distributed;
using PanGym.WorldModel;
using Spectre.Console;

namespace PanGym.Cli.Commands;

/// <summary>
/// <c>pangym train</c>: fits a world model on episodes of a ground-truth environment (generated first into
/// <c>&lt;out&gt;/data</c>) or on an episode data set folder, within a step count and/or a wall-clock budget, with a
/// progress bar; <c>--resume</c> continues a run from its last checkpoint. Ctrl+C stops cleanly with a checkpoint.
/// With <c>--distributed mpi</c> under <c>mpiexec</c>, every rank runs this command and trains a replica on its share of
/// each global batch (<see cref="DistributedJob"/>); rank 0 prints and writes the run's files.
/// </summary>
internal static class TrainCommand
{
    const string DataFolderName = "data";

    public static Command Create(IServiceProvider services)
    {
        var envOption = new Option<string?>("--env") { Description = "Generate the data from this environment (e.g. ShapesWorld-v0, MomentumWorld-v0) into <out>/data." };
        var episodesOption = new Option<int>("--episodes") { Description = "With --env: episodes to generate (a tenth held out for validation).", DefaultValueFactory = _ => 200 };
        var stepsPerEpisodeOption = new Option<int>("--steps-per-episode") { Description = "With --env: actions per episode.", DefaultValueFactory = _ => 32 };
        var sizeOption = new Option<int?>("--size") { Description = "With --env: canvas size in pixels (default: the preset's frame size)." };
        var dataOption = new Option<DirectoryInfo?>("--data") { Description = "Train on this episode data set folder instead of generating one." };
        var presetOption = new Option<string>("--preset") { Description = "Model size: tiny, small or pan.", DefaultValueFactory = _ => "small" };
        var backboneOption = new Option<DirectoryInfo?>("--backbone") { Description = "For --preset pan: a Hugging Face Qwen2/Qwen2.5 folder (config.json, *.safetensors, tokenizer.json), or a Qwen2.5-VL folder for PAN's own build (the frozen vision tower's 256 tokens per frame as the state)." };
        var stepsOption = new Option<long?>("--steps") { Description = "Optimizer steps to train." };
        var minutesOption = new Option<double?>("--minutes") { Description = "Wall-clock budget in minutes (with --steps too: whichever comes first)." };
        var outOption = new Option<DirectoryInfo>("--out") { Description = "Output folder: checkpoint, metrics.jsonl, tensorboard/, curves.png.", Required = true };
        var resumeOption = new Option<bool>("--resume") { Description = "Continue the run in --out from its last checkpoint, with its stored settings." };
        var batchSizeOption = new Option<int?>("--batch-size") { Description = "Windows per batch (default 8)." };
        var windowOption = new Option<int?>("--window") { Description = "Actions per training window, the history length L (default 4); the model's history window at inference follows it." };
        var contextNoiseOption = new Option<double?>("--context-noise") { Description = "Highest noise level of the decoder's context frame in training, given to the decoder (default: the preset's, 0.1)." };
        var lrOption = new Option<double?>("--lr") { Description = "Peak learning rate (default 1e-3)." };
        var selfForcingOption = new Option<double?>("--self-forcing") { Description = "Share of steps trained on the model's own imagined history (default 0)." };
        var threadsOption = ThreadsOption.Create("libtorch intra-op threads (default: libtorch's choice, or with --resume the run's own count, so its losses continue bit for bit; 1 is often faster for small models on a busy machine).");
        var seedOption = new Option<int>("--seed") { Description = "Seed of the model's initialisation, the data order and the noise.", DefaultValueFactory = _ => 0 };
        var logEveryOption = new Option<int?>("--log-every") { Description = "Steps between metric lines (default 10)." };
        var checkpointEveryOption = new Option<int?>("--checkpoint-every") { Description = "Steps between checkpoints (default 500; one is also written when training stops)." };
        var skipDataCheckOption = new Option<bool>("--skip-data-check") { Description = "Do not check every episode file and action before the first step (for data sets too large to check up front)." };
        var distributedOption = DistributedJob.ModeOption();
        var timeoutOption = DistributedJob.TimeoutOption();

        var command = new Command("train", "Train a world model on environment episodes or a data set folder.")
        {
            envOption, episodesOption, stepsPerEpisodeOption, sizeOption, dataOption, presetOption, backboneOption,
            stepsOption, minutesOption, outOption, resumeOption, batchSizeOption, windowOption, contextNoiseOption, lrOption, selfForcingOption, seedOption, threadsOption,
            logEveryOption, checkpointEveryOption, skipDataCheckOption, distributedOption, timeoutOption,
        };
        command.SetAction(parse =>
        {
            var communicator = DistributedJob.Join(parse.GetValue(distributedOption)!, parse.GetValue(timeoutOption));
            string? envId = parse.GetValue(envOption);
            var dataFolder = parse.GetValue(dataOption);
            bool resume = parse.GetValue(resumeOption);
            if (envId is not null && dataFolder is not null) throw new ArgumentException("Give either --env or --data, not both.");
            if (envId is null && dataFolder is null && !resume) throw new ArgumentException("Give the training data: --env <id> to generate it, or --data <folder>.");
            string outFolder = resume ? TrainingOutput.EnsureNotFile(parse.GetValue(outOption)!.FullName) : TrainingOutput.EnsureNoRun(parse.GetValue(outOption)!.FullName);
            ThreadsOption.Apply(parse.GetValue(threadsOption));
            var console = DistributedJob.ConsoleFor(communicator);
            int seed = parse.GetValue(seedOption);

            TrainingConfig? config = null;
            WorldModelConfig? modelConfig = null;
            if (!resume)
            {
                long? steps = parse.GetValue(stepsOption);
                double? minutes = parse.GetValue(minutesOption);
                if (steps is null && minutes is null) throw new ArgumentException("Give a training budget: --steps N and/or --minutes M.");
                var defaults = new TrainingConfig(maxSteps: 1);
                config = new TrainingConfig(
                    maxSteps: steps,
                    budget: minutes is double budget ? TrainingConfig.BudgetFromMinutes(budget, "--minutes") : null,
                    batchSize: parse.GetValue(batchSizeOption) ?? defaults.BatchSize,
                    windowSteps: parse.GetValue(windowOption) ?? defaults.WindowSteps,
                    learningRate: parse.GetValue(lrOption) ?? defaults.LearningRate,
                    checkpointEvery: parse.GetValue(checkpointEveryOption) ?? defaults.CheckpointEvery,
                    logEvery: parse.GetValue(logEveryOption) ?? defaults.LogEvery,
                    seed: seed,
                    selfForcingFraction: parse.GetValue(selfForcingOption) ?? defaults.SelfForcingFraction);
                modelConfig = WorldModelConfig.FromPreset(parse.GetValue(presetOption)!, parse.GetValue(backboneOption)?.FullName);
                if (parse.GetValue(windowOption) is int window) modelConfig = modelConfig.WithHistoryTurns(window);
                if (parse.GetValue(contextNoiseOption) is double noise) modelConfig = modelConfig.WithConditionNoise(noise);
            }
            else
            {
                TrainingOutput.EnsureHoldsCheckpoint(outFolder);
            }

            EpisodeDataset OpenData() => dataFolder is not null ? EpisodeDataset.Open(dataFolder.FullName)
                : envId is null ? GeneratedData(outFolder)
                : EnvironmentData(services, console, envId!, outFolder, resume,
                    parse.GetValue(episodesOption), parse.GetValue(stepsPerEpisodeOption), parse.GetValue(sizeOption) ?? modelConfig?.ImageSize, seed);
            var rootData = communicator.Agree(() => communicator.Rank == 0 ? OpenData() : null);
            var dataset = communicator.Agree(() => rootData ?? OpenData());

            bool verifyData = !parse.GetValue(skipDataCheckOption);
            using var trainer = resume
                ? Trainer.Resume(outFolder, dataset, communicator, verifyData, parse.GetValue(threadsOption))
                : Trainer.Create(PanWorldModel.Create(modelConfig!, seed), dataset, config!, outFolder, communicator, verifyData);
            trainer.AfterCheckpoint = TrainingCurves.SavePng;
            if (resume) communicator.Agree(() =>
            {
                var stored = trainer.Config;
                bool Given(Option option) => parse.GetResult(option) is { Implicit: false };
                var differences = new (Option Option, object? Given, object? Stored)[]
                {
                    (stepsOption, parse.GetValue(stepsOption), stored.MaxSteps),
                    (minutesOption, parse.GetValue(minutesOption), stored.Budget?.TotalMinutes),
                    (batchSizeOption, parse.GetValue(batchSizeOption), stored.BatchSize),
                    (windowOption, parse.GetValue(windowOption), stored.WindowSteps),
                    (lrOption, parse.GetValue(lrOption), stored.LearningRate),
                    (selfForcingOption, parse.GetValue(selfForcingOption), stored.SelfForcingFraction),
                    (seedOption, parse.GetValue(seedOption), stored.Seed),
                    (logEveryOption, parse.GetValue(logEveryOption), stored.LogEvery),
                    (checkpointEveryOption, parse.GetValue(checkpointEveryOption), stored.CheckpointEvery),
                    (presetOption, parse.GetValue(presetOption)?.ToLowerInvariant(), trainer.Model.Config.Preset),
                    (contextNoiseOption, parse.GetValue(contextNoiseOption), trainer.Model.Config.Decoder.ConditionNoise),
                }.Where(d => Given(d.Option) && !Equals(d.Given, d.Stored)).ToList();
                if (differences.Count > 0)
                    throw new ArgumentException(
                        "--resume continues with the run's stored settings; these options differ from them: " +
                        string.Join(", ", differences.Select(d => $"{d.Option.Name} {d.Given} (the run has {d.Stored?.ToString() ?? "none"})")) + ". Leave them out or match them.");
            });
            Describe(console, trainer, resume);
            DistributedJob.DescribeRanks(console, communicator, trainer.Config.BatchSize);
            var result = Train(console, trainer);
            Summarise(console, result, trainer.Config);
            return 0;
        });
        return command;
    }

    /// <summary>The data set an environment run generated into &lt;out&gt;/data, for <c>--resume</c> without <c>--env</c> or <c>--data</c>.</summary>
    static EpisodeDataset GeneratedData(string outFolder)
    {
        string folder = Path.Combine(outFolder, DataFolderName);
        if (!Directory.Exists(folder))
            throw new IOException($"The run at {outFolder} has no generated data folder ({DataFolderName}/): it trained on a data folder, so give that again with --data <folder>.");
        return EpisodeDataset.Open(folder);
    }

    /// <summary>
    /// The data set in &lt;out&gt;/data: generated from the environment (an interrupted generation continues), or the one an
    /// earlier call generated with the same settings.
    /// </summary>
    static EpisodeDataset EnvironmentData(IServiceProvider services, IAnsiConsole console, string envId, string outFolder, bool resume,
        int episodes, int stepsPerEpisode, int? size, int seed)
    {
        string folder = Path.Combine(outFolder, DataFolderName);
        var registry = services.GetRequiredService<EnvRegistry>();
        var spec = registry.Spec(envId);
        if (resume || Directory.Exists(folder))
        {
            var existing = EpisodeDataset.Open(folder);
            if (!resume) CheckGeneratedWith(existing, spec.Id, episodes, stepsPerEpisode, seed);
            return existing;
        }
        var kwargs = size is int pixels ? new Dictionary<string, object?> { ["size"] = pixels } : null;
        var generation = new EpisodeGenerationConfig(episodes, stepsPerEpisode, baseSeed: seed);
        var generator = new EpisodeGenerator(() => registry.Make(spec.Id, kwargs, maxEpisodeSteps: stepsPerEpisode), services.GetRequiredService<GroundTruthRegistry>().PolicyFor);
        EpisodeDataset? dataset = null;
        console.Progress().AutoClear(false).Start(context =>
        {
            var task = context.AddTask(Markup.Escape($"generating {episodes} {spec.Id} episodes"), maxValue: episodes);
            dataset = generator.Generate(generation, folder, new SyncProgress<EpisodeGenerationProgress>(p => task.Value = p.EpisodesDone), resume: true);
        });
        console.MarkupLine($"data: [bold]{dataset!.Episodes.Count}[/] episodes, {dataset.StepCount} steps of {dataset.Info.FrameHeight}×{dataset.Info.FrameWidth} frames in {Markup.Escape(folder)}");
        return dataset;
    }

    static void CheckGeneratedWith(EpisodeDataset dataset, string envId, int episodes, int stepsPerEpisode, int seed)
    {
        var metadata = dataset.Info.Metadata;
        bool same = (string?)metadata["env"] == envId && Number(metadata["episodes"]) == episodes
            && Number(metadata["steps_per_episode"]) == stepsPerEpisode && Number(metadata["base_seed"]) == seed;
        if (!same)
            throw new IOException(
                $"{dataset.Folder} already holds a data set made with other settings ({metadata.ToJsonString()}), not {episodes} {envId} episodes of " +
                $"{stepsPerEpisode} steps with seed {seed}; nothing was changed. Choose another --out, or pass --data {dataset.Folder} to train on it.");
    }

    static long? Number(JsonNode? node) => node is JsonValue value && value.TryGetValue(out long number) ? number : null;

    static void Describe(IAnsiConsole console, Trainer trainer, bool resumed)
    {
        var config = trainer.Config;
        var counts = trainer.Model.ParameterCounts();
        string budget = string.Join(" or ", new[]
        {
            config.MaxSteps is long steps ? $"{steps} steps" : null,
            config.Budget is TimeSpan time ? $"{time.TotalMinutes.ToString("0.##", CultureInfo.InvariantCulture)} minutes" : null,
        }.OfType<string>());
        console.MarkupLine($"{(resumed ? $"resuming at step [bold]{trainer.Step}[/]" : "training")}: {Markup.Escape(trainer.Model.Config.Preset)} model, " +
            $"{counts["trainable"]:N0} of {counts["total"]:N0} parameters trainable; batch {config.BatchSize} × {config.WindowSteps} steps, lr {config.LearningRate:g3}, {budget}");
    }

    static TrainingResult Train(IAnsiConsole console, Trainer trainer)
    {
        using var cancellation = new CtrlCCancellation();
        TrainingResult? result = null;
        console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn())
            .Start(context =>
            {
                var task = context.AddTask("starting", maxValue: 1.0);
                result = trainer.Run(new SyncProgress<TrainingProgress>(p =>
                {
                    task.Value = p.Fraction;
                    task.Description = Markup.Escape(
                        $"step {p.Step}{(p.TotalSteps is long total ? $"/{total}" : "")}  loss {p.SmoothedLoss:F4}  {p.SamplesPerSecond:F1} samples/s  " +
                        $"left {(p.Remaining is TimeSpan left ? left.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture) : "?")}");
                }), cancellation.Token);
                task.Value = 1.0;
            });
        return result!;
    }

    static void Summarise(IAnsiConsole console, TrainingResult result, TrainingConfig config)
    {
        static string Loss(double? value) => value is double v ? v.ToString("F4", CultureInfo.InvariantCulture) : "-";
        static string MiB(long bytes) => (bytes / (1024.0 * 1024.0)).ToString("F0", CultureInfo.InvariantCulture);
        var table = new Table().AddColumns("", "");
        table.AddRow("stopped", $"{result.StopReason} at step {result.FinalStep} (this session from step {result.StartStep})");
        table.AddRow("train loss", $"{Loss(result.FirstTrainLoss)} → {Loss(result.FinalTrainLoss)}");
        table.AddRow("validation loss", $"{Loss(result.FirstValidation?.Loss)} (step {result.FirstValidation?.Step.ToString(CultureInfo.InvariantCulture) ?? "-"}) → " +
            $"{Loss(result.FinalValidation?.Loss)} (step {result.FinalValidation?.Step.ToString(CultureInfo.InvariantCulture) ?? "-"})");
        table.AddRow("rate", $"{result.SamplesPerSecond.ToString("F1", CultureInfo.InvariantCulture)} samples/s ({config.BatchSize} windows of {config.WindowSteps} steps each)");
        table.AddRow("time", result.Elapsed.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture));
        table.AddRow("resident memory", $"{MiB(result.WorkingSetStart)} MiB → {MiB(result.WorkingSetEnd)} MiB");
        console.Write(table);
        string folder = result.OutputFolder;
        console.WriteLine($"model:       {TrainingOutput.ModelFolder(folder)}");
        console.WriteLine($"metrics:     {TrainingOutput.MetricsFile(folder)}");
        console.WriteLine($"curves:      {TrainingOutput.CurvesFile(folder)}");
        console.WriteLine($"tensorboard: tensorboard --logdir {TrainingOutput.TensorBoardFolder(folder)}");
    }
}
