using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using PanGym.Envs;
using PanGym.Evaluation;
using PanGym.Experiments;
using PanGym.Gym;
using PanGym.Imagination;
using PanGym.Media;
using PanGym.Training;
using PanGym.Training.Distributed;
using PanGym.WorldModel;

namespace PanGym.Cli.Commands;

/// <summary>
/// <c>pangym demo</c>, the main job on the built-in default environment, as three library experiments in a row, each
/// shown as its own command shows it:
/// <list type="number">
/// <item>a <see cref="TrainingRun"/> (<c>pangym train</c>): generates ShapesWorld episodes at 32×32 (the small preset's
/// frame size, so that the CPU budget buys enough steps) and trains the small preset for a fixed wall-clock budget;</item>
/// <item>an <see cref="EvaluationRun"/> (<c>pangym eval</c>): measures the trained model on held-out episodes beside
/// copying the last frame (PAN §7: action fidelity, one-step PSNR/SSIM, drift to horizon 32) and writes the report;</item>
/// <item>a <see cref="RolloutRun"/> (<c>pangym rollout</c>): imagines an episode of expert actions and writes it beside the truth.</item>
/// </list>
/// Running it again continues an unfinished training run in the same folder and re-evaluates.
/// </summary>
internal static class DemoCommand
{
    /// <summary>
    /// The demo's peak learning rate: twice the trainer's nanoGPT default, because a ten-minute budget ends after about
    /// two thousand steps, where 1e-3 has not yet taught the small model what the actions do.
    /// </summary>
    const double DemoLearningRate = 2e-3;

    /// <summary>Canvas of the demo's ShapesWorld: the small preset's frame size.</summary>
    const int Size = 32;

    /// <summary>The demo's environment.</summary>
    const string EnvId = "ShapesWorld-v0";

    /// <summary>Solver steps per decoded frame in the evaluation and the rollout.</summary>
    const int DecodeSteps = 8;

    /// <summary>The longest expert episode the rollout imagines.</summary>
    const int MaxExpertActions = 16;

    /// <summary>Frames per second and enlargement of the rollout video.</summary>
    const int Fps = 4, Scale = 4;

    public static Command Create(IServiceProvider services)
    {
        var outOption = new Option<DirectoryInfo>("--out") { Description = "Output folder.", DefaultValueFactory = _ => new DirectoryInfo(Path.Combine("out", "demo")) };
        var minutesOption = new Option<double>("--minutes") { Description = "Training budget in wall-clock minutes.", DefaultValueFactory = _ => 10 };
        var seedOption = new Option<int>("--seed") { Description = "Seed of the data, the model and the evaluation.", DefaultValueFactory = _ => 0 };
        var presetOption = new Option<string>("--preset") { Description = "Model size with 32×32 frames: small (the demo) or tiny (a quick look).", DefaultValueFactory = _ => "small" };
        var episodesOption = new Option<int>("--episodes") { Description = "Held-out evaluation episodes.", DefaultValueFactory = _ => 32 };
        var horizonOption = new Option<int>("--horizon") { Description = "Steps per evaluation episode, the drift curve's horizon.", DefaultValueFactory = _ => 32 };
        var command = new Command("demo", "Train the small world model on ShapesWorld, evaluate it, and imagine an episode beside the truth.")
        {
            outOption, minutesOption, seedOption, presetOption, episodesOption, horizonOption,
        };
        command.SetAction(parse =>
        {
            var folder = parse.GetValue(outOption)!.FullName;
            if (File.Exists(folder)) throw new IOException($"The output folder \"{folder}\" is a file.");
            double minutes = parse.GetValue(minutesOption);
            var budget = TrainingConfig.BudgetFromMinutes(minutes, "--minutes");
            int seed = parse.GetValue(seedOption);
            string train = Path.Combine(folder, "train"), report = Path.Combine(folder, "report"), video = Path.Combine(folder, "rollout.gif");
            var clock = Stopwatch.StartNew();
            var registry = services.GetRequiredService<EnvRegistry>();

            string preset = parse.GetValue(presetOption)!;
            if (preset is not ("small" or "tiny")) throw new ArgumentException($"The demo trains the small or the tiny preset (32×32 frames), not \"{preset}\".");
            Console.WriteLine($"1/3 train: the {preset} preset on ShapesWorld {Size}×{Size}, {minutes.ToString(CultureInfo.InvariantCulture)} minutes");
            Train(services, train, preset, budget, seed);

            Console.WriteLine("2/3 evaluate on held-out episodes");
            string reportFolder = EvaluationReportWriter.EnsureReportFolder(report);
            var evaluation = new EvaluationRunOptions(train, new EvaluationConfig(parse.GetValue(episodesOption), parse.GetValue(horizonOption), seed),
                new FlowSamplingOptions(steps: DecodeSteps, temperature: RolloutOptions.DefaultSampling.Temperature));
            EvaluationView.Evaluate(CliConsole.Create(Console.Out), evaluation, registry, services.GetRequiredService<GroundTruthRegistry>(), EnvId, reportFolder);

            Console.WriteLine("3/3 imagine an expert episode beside the truth");
            string output = RolloutCommand.CheckOutput(Path.GetFullPath(video), Scale);
            using var env = new ShapesWorld(ShapesWorldConfig.ForSize(Size));
            var actions = new ShapesWorldExpert(env).Demonstrate(seed, MaxExpertActions);
            FFmpegTools.EnsureAvailable();
            var rollout = new RolloutRunOptions(train, actions, seed, new FlowSamplingOptions(steps: DecodeSteps, temperature: RolloutOptions.DefaultSampling.Temperature),
                besideTruth: true);
            RolloutCommand.Rollout(rollout, registry, services.GetRequiredService<GroundTruthRegistry>(), EnvId, output, Fps, Scale);

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"demo done in {clock.Elapsed.TotalMinutes:F1} minutes"));
            Console.WriteLine($"report:  {Path.Combine(report, "report.html")}");
            Console.WriteLine($"video:   {video} (truth left, imagined right)");
            return 0;
        });
        return command;
    }

    /// <summary>Trains the preset on generated ShapesWorld episodes for the budget, or continues the run already in <paramref name="train"/>.</summary>
    static void Train(IServiceProvider services, string train, string preset, TimeSpan budget, int seed)
    {
        bool resume = Directory.Exists(Path.Combine(train, TrainingOutput.CheckpointFolderName));
        var options = resume
            ? TrainingRunOptions.Resume(train)
            : TrainingRunOptions.NewRun(train, WorldModelConfig.FromPreset(preset),
                new TrainingConfig(budget: budget, learningRate: DemoLearningRate, seed: seed),
                TrainCommand.EnvironmentData(services, EnvId, TrainCommand.DefaultEpisodes, TrainCommand.DefaultStepsPerEpisode, Size, seed, resume: false));
        var console = CliConsole.Create(Console.Out);
        using var run = TrainingView.Open(console, options, SingleProcessCommunicator.Instance);
        TrainingView.Train(console, run, SingleProcessCommunicator.Instance);
    }
}
