using System.Globalization;
using PanGym.Data;
using PanGym.Experiments;
using PanGym.Training;
using PanGym.Training.Distributed;
using Spectre.Console;

namespace PanGym.Cli.Commands;

/// <summary>
/// How <c>pangym train</c> and <c>pangym demo</c> show a <see cref="TrainingRun"/>: the generation progress bar, the run's
/// description, the training progress bar (Ctrl+C stops cleanly) and the summary table. The loss curves are drawn after
/// each checkpoint (<see cref="TrainingCurves"/>).
/// </summary>
internal static class TrainingView
{
    /// <summary>Opens the run, showing a progress bar while episodes are generated and a line about them afterwards.</summary>
    public static TrainingRun Open(IAnsiConsole console, TrainingRunOptions options, ICommunicator communicator)
    {
        TrainingRun? run = null;
        if (communicator.Rank != 0 || !options.Data.WillGenerate(options.OutFolder, options.IsResume)) run = TrainingRun.Open(options, communicator);
        else
        {
            int episodes = options.Data.Generation!.Episodes;
            console.Progress().AutoClear(false).Start(context =>
            {
                var task = context.AddTask(Markup.Escape($"generating {episodes} {options.Data.EnvId} episodes"), maxValue: episodes);
                run = TrainingRun.Open(options, communicator, new SyncProgress<EpisodeGenerationProgress>(p => task.Value = p.EpisodesDone));
            });
        }
        if (run!.GeneratedData)
        {
            var dataset = run.Dataset;
            console.MarkupLine($"data: [bold]{dataset.Episodes.Count}[/] episodes, {dataset.StepCount} steps of {dataset.Info.FrameHeight}×{dataset.Info.FrameWidth} frames " +
                $"in {Markup.Escape(TrainingDataSource.GeneratedFolder(options.OutFolder))}");
        }
        run.Trainer.AfterCheckpoint = TrainingCurves.SavePng;
        return run;
    }

    /// <summary>Describes the run, trains it with a progress bar and prints the summary.</summary>
    public static TrainingResult Train(IAnsiConsole console, TrainingRun run, ICommunicator communicator)
    {
        Describe(console, run.Trainer, run.Resumed);
        DistributedJob.DescribeRanks(console, communicator, run.Trainer.Config.BatchSize);
        var result = WithProgress(console, run);
        Summarise(console, result, run.Trainer.Config);
        return result;
    }

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

    static TrainingResult WithProgress(IAnsiConsole console, TrainingRun run)
    {
        using var cancellation = new CtrlCCancellation();
        TrainingResult? result = null;
        console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn())
            .Start(context =>
            {
                var task = context.AddTask("starting", maxValue: 1.0);
                result = run.Run(new SyncProgress<TrainingProgress>(p =>
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
        console.WriteLine($"model:       {result.ModelFolder}");
        console.WriteLine($"metrics:     {TrainingOutput.MetricsFile(folder)}");
        console.WriteLine($"curves:      {TrainingOutput.CurvesFile(folder)}");
        console.WriteLine($"tensorboard: tensorboard --logdir {TrainingOutput.TensorBoardFolder(folder)}");
    }
}
