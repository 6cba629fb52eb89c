using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using PanGym.Data;
using PanGym.Envs;
using PanGym.Experiments;
using PanGym.Gym;
using PanGym.Training;
using PanGym.Training.Distributed;
using PanGym.WorldModel;

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
    /// <summary>Episodes generated with <c>--env</c> unless <c>--episodes</c> says otherwise.</summary>
    public const int DefaultEpisodes = 200;

    /// <summary>Actions per generated episode unless <c>--steps-per-episode</c> says otherwise.</summary>
    public const int DefaultStepsPerEpisode = 32;

    public static Command Create(IServiceProvider services)
    {
        var envOption = new Option<string?>("--env") { Description = "Generate the data from this environment (e.g. ShapesWorld-v0, MomentumWorld-v0) into <out>/data." };
        var episodesOption = new Option<int>("--episodes") { Description = "With --env: episodes to generate (a tenth held out for validation).", DefaultValueFactory = _ => DefaultEpisodes };
        var stepsPerEpisodeOption = new Option<int>("--steps-per-episode") { Description = "With --env: actions per episode.", DefaultValueFactory = _ => DefaultStepsPerEpisode };
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

            var data = dataFolder is not null ? TrainingDataSource.FromFolder(dataFolder.FullName)
                : envId is null ? TrainingDataSource.RunData
                : EnvironmentData(services, envId, parse.GetValue(episodesOption), parse.GetValue(stepsPerEpisodeOption), parse.GetValue(sizeOption) ?? modelConfig?.ImageSize, seed, resume);
            bool verifyData = !parse.GetValue(skipDataCheckOption);
            var options = resume
                ? TrainingRunOptions.Resume(outFolder, data, verifyData, parse.GetValue(threadsOption))
                : TrainingRunOptions.NewRun(outFolder, modelConfig!, config!, data, verifyData);
            using var run = TrainingView.Open(console, options, communicator);
            if (resume) communicator.Agree(() => CheckResumedWith(parse,
            [
                (stepsOption, parse.GetValue(stepsOption), run.Trainer.Config.MaxSteps),
                (minutesOption, parse.GetValue(minutesOption), run.Trainer.Config.Budget?.TotalMinutes),
                (batchSizeOption, parse.GetValue(batchSizeOption), run.Trainer.Config.BatchSize),
                (windowOption, parse.GetValue(windowOption), run.Trainer.Config.WindowSteps),
                (lrOption, parse.GetValue(lrOption), run.Trainer.Config.LearningRate),
                (selfForcingOption, parse.GetValue(selfForcingOption), run.Trainer.Config.SelfForcingFraction),
                (seedOption, parse.GetValue(seedOption), run.Trainer.Config.Seed),
                (logEveryOption, parse.GetValue(logEveryOption), run.Trainer.Config.LogEvery),
                (checkpointEveryOption, parse.GetValue(checkpointEveryOption), run.Trainer.Config.CheckpointEvery),
                (presetOption, parse.GetValue(presetOption)?.ToLowerInvariant(), run.Trainer.Model.Config.Preset),
                (contextNoiseOption, parse.GetValue(contextNoiseOption), run.Trainer.Model.Config.Decoder.ConditionNoise),
            ]));
            TrainingView.Train(console, run, communicator);
            return 0;
        });
        return command;
    }

    /// <summary>The episodes of <paramref name="envId"/>, generated into &lt;out&gt;/data (or read from there when an earlier call generated them).</summary>
    public static TrainingDataSource EnvironmentData(IServiceProvider services, string envId, int episodes, int stepsPerEpisode, int? size, int seed, bool resume)
    {
        var registry = services.GetRequiredService<EnvRegistry>();
        var spec = registry.Spec(envId);
        if (resume) return TrainingDataSource.ResumedGeneration(spec.Id);
        var kwargs = size is int pixels ? new Dictionary<string, object?> { ["size"] = pixels } : null;
        var generator = new EpisodeGenerator(() => registry.Make(spec.Id, kwargs, maxEpisodeSteps: stepsPerEpisode), services.GetRequiredService<GroundTruthRegistry>().PolicyFor);
        return TrainingDataSource.Generate(generator, new EpisodeGenerationConfig(episodes, stepsPerEpisode, baseSeed: seed));
    }

    /// <summary>Refuses a resume whose explicitly given options differ from the run's stored settings.</summary>
    static void CheckResumedWith(ParseResult parse, (Option Option, object? Given, object? Stored)[] settings)
    {
        var differences = settings.Where(d => parse.GetResult(d.Option) is { Implicit: false } && !Equals(d.Given, d.Stored)).ToList();
        if (differences.Count > 0)
            throw new ArgumentException(
                "--resume continues with the run's stored settings; these options differ from them: " +
                string.Join(", ", differences.Select(d => $"{d.Option.Name} {d.Given} (the run has {d.Stored?.ToString() ?? "none"})")) + ". Leave them out or match them.");
    }
}
