using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using PanGym.Envs;
using PanGym.Training;

namespace PanGym.Cli.Commands;

/// <summary>
/// <c>pangym demo</c>, the main job on the built-in default environment, as three of the CLI's own commands in a row:
/// <list type="number">
/// <item><c>pangym train</c>: generates ShapesWorld episodes at 32×32 (the small preset's frame size, so that the CPU
/// budget buys enough steps) and trains the small preset for a fixed wall-clock budget;</item>
/// <item><c>pangym eval</c>: measures the trained model on held-out episodes beside copying the last frame (PAN §7:
/// action fidelity, one-step PSNR/SSIM, drift to horizon 32) and writes the report;</item>
/// <item><c>pangym rollout</c>: imagines an episode of expert actions and writes it beside the truth.</item>
/// </list>
/// Running it again continues an unfinished training run in the same folder and re-evaluates.
/// </summary>
internal static class DemoCommand
{
    /// <summary>
    /// The demo's peak learning rate: twice the trainer's nanoGPT default, because a ten-minute budget ends after about
    /// two thousand steps, where 1e-3 has not yet taught the small model what the actions do.
    /// </summary>
    const string DemoLearningRate = "2e-3";

    /// <summary>Canvas of the demo's ShapesWorld: the small preset's frame size.</summary>
    const int Size = 32;

    public static Command Create(Func<string[], int> run)
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
            TrainingConfig.BudgetFromMinutes(minutes, "--minutes");
            string seed = parse.GetValue(seedOption).ToString(CultureInfo.InvariantCulture);
            string train = Path.Combine(folder, "train"), report = Path.Combine(folder, "report"), video = Path.Combine(folder, "rollout.gif");
            var clock = Stopwatch.StartNew();

            string preset = parse.GetValue(presetOption)!;
            if (preset is not ("small" or "tiny")) throw new ArgumentException($"The demo trains the small or the tiny preset (32×32 frames), not \"{preset}\".");
            Console.WriteLine($"1/3 train: the {preset} preset on ShapesWorld {Size}×{Size}, {minutes.ToString(CultureInfo.InvariantCulture)} minutes");
            string[] trainArgs = Directory.Exists(Path.Combine(train, TrainingOutput.CheckpointFolderName))
                ? ["train", "--resume", "--out", train]
                : ["train", "--env", "ShapesWorld-v0", "--size", $"{Size}", "--preset", preset,
                   "--minutes", minutes.ToString(CultureInfo.InvariantCulture), "--lr", DemoLearningRate, "--seed", seed, "--out", train];
            if (run(trainArgs) is int trained and not 0) return trained;

            Console.WriteLine("2/3 evaluate on held-out episodes");
            if (run(["eval", "--checkpoint", train, "--env", "ShapesWorld-v0", "--episodes", $"{parse.GetValue(episodesOption)}", "--horizon", $"{parse.GetValue(horizonOption)}",
                     "--steps", "8", "--seed", seed, "--out", report]) is int evaluated and not 0) return evaluated;

            Console.WriteLine("3/3 imagine an expert episode beside the truth");
            if (run(["rollout", "--checkpoint", train, "--env", "ShapesWorld-v0", "--seed", seed, "--actions", ExpertActions(parse.GetValue(seedOption)),
                     "--beside-truth", "--steps", "8", "--out", video]) is int rolled and not 0) return rolled;

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"demo done in {clock.Elapsed.TotalMinutes:F1} minutes"));
            Console.WriteLine($"report:  {Path.Combine(report, "report.html")}");
            Console.WriteLine($"video:   {video} (truth left, imagined right)");
            return 0;
        });
        return command;
    }

    /// <summary>The expert's actions from the seeded start to the goal (at most 16), joined for <c>pangym rollout --actions</c>.</summary>
    static string ExpertActions(int seed)
    {
        using var env = new ShapesWorld(ShapesWorldConfig.ForSize(Size));
        var expert = new ShapesWorldExpert(env);
        env.Reset(seed);
        var actions = new List<string>();
        while (actions.Count < 16)
        {
            actions.Add(expert.Act(env.State));
            if (env.Step(actions[^1]).Terminated) break;
        }
        return string.Join("; ", actions);
    }
}
