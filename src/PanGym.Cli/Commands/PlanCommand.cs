using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using PanGym.Evaluation;
using PanGym.Envs;
using PanGym.Gym;
using PanGym.Imagination;
using PanGym.Media;
using PanGym.Planning;
using PanGym.WorldModel;
using Spectre.Console;
using PanGym.IO;

namespace PanGym.Cli.Commands;

/// <summary>
/// <c>pangym plan</c>: model-predictive control on the seeded goal tasks of any environment that has them
/// (<see cref="IGoalTaskSource"/>; ShapesWorld: bring the named shape into the grey square), executed in the real environment. The success table puts the planner with the world
/// model beside random actions and beside the same planner with the true simulator as its model (the ceiling); a
/// video shows one executed episode beside the world model's imagination of it.
/// </summary>
internal static class PlanCommand
{
    static readonly CultureInfo _invariant = CultureInfo.InvariantCulture;

    /// <summary>
    /// K of the probe reward's decoding: the probe needs the target's position, not a sharp frame. The same as a planner's
    /// default, <see cref="ImaginationOptions.DefaultRollout"/>, so code and command line plan alike.
    /// </summary>
    internal static int DefaultRewardDecodeSteps => ImaginationOptions.DefaultRollout.Sampling.Steps;

    public static Command Create(IServiceProvider services)
    {
        var checkpointOption = new Option<DirectoryInfo?>("--checkpoint") { Description = "A world-model checkpoint folder or a training output folder; needed unless --true-model." };
        var envOption = new Option<string>("--env") { Description = "Environment of the goal tasks: any registered one that has goal tasks (ShapesWorld-v0).", DefaultValueFactory = _ => GroundTruthEnvironments.ShapesWorldId };
        var tasksOption = new Option<int>("--tasks") { Description = "Seeded goal tasks to run.", DefaultValueFactory = _ => 50 };
        var plannerOption = new Option<string>("--planner") { Description = "cem, mppi (model-predictive path integral) or random (random shooting).", DefaultValueFactory = _ => "cem" };
        var budgetOption = new Option<string>("--budget")
        {
            Description = "Planning budget: default (horizon 3, 32 × 3 iterations), planet (PlaNet's 1,000 candidates × 10 iterations, horizon 12) or tdmpc2 " +
                "(TD-MPC2's 512 samples × 6 iterations, horizon 3, with its MPPI settings); the options below override single values.",
            DefaultValueFactory = _ => "default",
        };
        var temperatureOption = new Option<double?>("--temperature") { Description = $"MPPI temperature λ (default {MppiConfig.Default.Temperature}; tdmpc2 {MppiConfig.TdMpc2.Temperature})." };
        var trueModelOption = new Option<bool>("--true-model") { Description = "Plan with the true simulator only (no world model; the checkpoint, if given, only imagines the video)." };
        var outOption = new Option<DirectoryInfo>("--out") { Description = "Output folder: plan.json and the episode video.", Required = true };
        var maxStepsOption = new Option<int?>("--max-steps") { Description = $"Step budget of a task (default: the environment's; ShapesWorld {ShapesWorldGoalTasks.DefaultMaxSteps})." };
        var horizonOption = new Option<int?>("--horizon") { Description = $"Planning horizon (default {CemConfig.Default.Horizon})." };
        var populationOption = new Option<int?>("--population") { Description = $"Sequences per iteration (default: CEM {CemConfig.Default.Population}, random shooting {RandomShootingConfig.Default.Population})." };
        var iterationsOption = new Option<int?>("--iterations") { Description = $"CEM or MPPI iterations (default {CemConfig.Default.Iterations})." };
        var eliteOption = new Option<double?>("--elite-fraction") { Description = $"CEM elite fraction (default {CemConfig.Default.EliteFraction})." };
        var alphaOption = new Option<double?>("--alpha") { Description = $"CEM or MPPI smoothing α (default {CemConfig.Default.Alpha})." };
        var rewardOption = new Option<string>("--reward") { Description = PlanRewards.Description, DefaultValueFactory = _ => "auto" };
        var decodeStepsOption = new Option<int>("--decode-steps")
        {
            Description = "K, solver steps per imagined frame that the probe reward decodes; one step finds the target as well as four, in a third of the time.",
            DefaultValueFactory = _ => DefaultRewardDecodeSteps,
        };
        var paletteOption = new Option<bool?>("--palette")
        {
            Description = "Snap each imagined frame to the start frame's flat colours (off when it has more than 32); default on for the multiscale and pixel rewards.",
        };
        var videoTaskOption = new Option<int>("--video-task") { Description = "Index of the task whose episode is filmed.", DefaultValueFactory = _ => 0 };
        var formatOption = new Option<string>("--format") { Description = "Video format: gif or mp4.", DefaultValueFactory = _ => "gif" };
        var seedOption = new Option<int>("--seed") { Description = "First task seed; also seeds the planners and the random baseline.", DefaultValueFactory = _ => 0 };
        var threadsOption = ThreadsOption.Create();
        var sizeOption = new Option<int?>("--size") { Description = "Canvas pixels without a checkpoint (default 32; with one, the model's frame size)." };
        var imaginationOption = new Option<bool>("--in-imagination")
        {
            Description = "Also evaluate random actions and the planner with the world model in imagination (PanEnv, closed loop) from the same start states, " +
                "and print each policy's imagined and real returns, their paired gap and the success rates.",
        };

        var command = new Command("plan", "Plan on seeded goal tasks (ShapesWorld's by default) with MPC (CEM, MPPI or random shooting) and report success beside random actions and the true simulator.")
        {
            checkpointOption, envOption, tasksOption, plannerOption, budgetOption, temperatureOption, trueModelOption, outOption, maxStepsOption, horizonOption, populationOption,
            iterationsOption, eliteOption, alphaOption, rewardOption, decodeStepsOption, paletteOption, videoTaskOption, formatOption, seedOption, threadsOption, sizeOption, imaginationOption,
        };
        command.SetAction(parse =>
        {
            var registry = services.GetRequiredService<EnvRegistry>();
            var goalTaskRegistry = services.GetService<GroundTruthRegistry>() ?? GroundTruthRegistry.Default;
            string envId = registry.Spec(parse.GetValue(envOption)!).Id;
            using (var unsized = registry.Make(envId)) goalTaskRegistry.GoalTasksFor(unsized).Dispose();
            string plannerName = parse.GetValue(plannerOption)!.ToLowerInvariant();
            string rewardName = PlanRewards.Parse(parse.GetValue(rewardOption)!);
            int taskCount = parse.GetValue(tasksOption), maxSteps = parse.GetValue(maxStepsOption) ?? 1, videoTask = parse.GetValue(videoTaskOption), seed = parse.GetValue(seedOption);
            if (taskCount < 1) throw new ArgumentException($"--tasks must be at least 1, got {taskCount}.");
            if (maxSteps < 1) throw new ArgumentException($"--max-steps must be at least 1, got {maxSteps}.");
            if (videoTask < 0 || videoTask >= taskCount) throw new ArgumentException($"--video-task must index one of the {taskCount} tasks, got {videoTask}.");
            if (seed < 0) throw new ArgumentException($"--seed must be non-negative, got {seed}.");
            string format = parse.GetValue(formatOption)!.TrimStart('.').ToLowerInvariant();
            if (format is not ("gif" or "mp4")) throw new ArgumentException($"--format must be gif or mp4, got \"{parse.GetValue(formatOption)}\".");
            var sampling = new FlowSamplingOptions(steps: parse.GetValue(decodeStepsOption), temperature: 0);
            ThreadsOption.Apply(parse.GetValue(threadsOption));
            bool trueModelOnly = parse.GetValue(trueModelOption);
            var checkpoint = parse.GetValue(checkpointOption);
            if (checkpoint is null && !trueModelOnly) throw new ArgumentException("Give the world model: --checkpoint <folder>, or plan with the true simulator alone: --true-model.");
            var planner = PlannerChoice.Factory(plannerName, parse.GetValue(budgetOption)!.ToLowerInvariant(), parse.GetValue(horizonOption), parse.GetValue(populationOption),
                parse.GetValue(iterationsOption), parse.GetValue(eliteOption), parse.GetValue(alphaOption), parse.GetValue(temperatureOption), seed);
            string outFolder = parse.GetValue(outOption)!.FullName;
            if (File.Exists(outFolder)) throw new IOException($"--out {outFolder} is a file; give a folder.");

            using var model = checkpoint is null ? null : CheckpointLocator.Load(checkpoint.FullName);
            model?.eval();
            int size = model?.Config.ImageSize ?? parse.GetValue(sizeOption) ?? 32;
            if (model is not null && parse.GetValue(sizeOption) is int given && given != size)
                throw new ArgumentException($"--size {given} differs from the model's frame size {size}; leave it out.");
            var console = CliConsole.Create(Console.Out, 140);

            using var source = goalTaskRegistry.GoalTasksFor(registry.Make(envId, new Dictionary<string, object?> { ["size"] = size }));
            maxSteps = parse.GetValue(maxStepsOption) ?? source.DefaultMaxSteps;
            var controllers = GoalTaskEvaluation.Baselines(source, planner, plannerName, seed).ToList();
            ShapesWorldLatentProbe? latentProbe = null;
            WorldModelPlanningModel? planning = null;
            bool palette = false;
            if (!trueModelOnly)
            {
                var startInfo = source.Environment.Reset(seed).Info;
                rewardName = PlanRewards.Resolve(rewardName, probeAvailable: source.ProbeReward(startInfo) is not null);
                if (rewardName is GoalImageRewards.MultiScale or "pixel" && source.GoalFrame(startInfo) is null)
                    throw new ArgumentException($"--reward {rewardName} needs a goal frame; {envId}'s goal tasks draw none.");
                if (rewardName == "probe" && source.ProbeReward(startInfo) is null) throw new ArgumentException($"--reward probe needs a probe reward; {envId}'s goal tasks have none: use --reward latent.");
                if (rewardName == "latent" && source.GoalFrame(startInfo) is null) throw new ArgumentException($"--reward latent needs a goal frame; {envId}'s goal tasks draw none.");
                if (rewardName == "latent-probe")
                {
                    var shapes = (source as ShapesWorldGoalTaskSource)?.Shapes ?? throw new ArgumentException($"--reward latent-probe reads ShapesWorld's shapes out of the latents; {envId} needs --reward probe or latent.");
                    latentProbe = ShapesWorldLatentProbe.Fit(model!, shapes.Config);
                    console.MarkupLine(Markup.Escape($"latent probe: shape centres read out of the latents with {latentProbe.HeldOutRmse.ToString("F2", _invariant)} px RMSE on held-out frames"));
                }
                palette = parse.GetValue(paletteOption) ?? rewardName is GoalImageRewards.MultiScale or "pixel";
                planning = new WorldModelPlanningModel(model!, (_, info) => PlanRewards.Create(rewardName, model!, source, info, latentProbe),
                    new ImaginationOptions(rollout: new RolloutOptions(sampling: sampling), seed: seed), paletteFromStart: palette);
                controllers.Add(new($"{plannerName} + world model ({rewardName} reward{(palette ? ", palette" : "")})", () => new MpcAgent(planning, planner(), source.CandidateActions)));
            }
            console.MarkupLine(Markup.Escape($"{taskCount} {source.Name} goal tasks ({size}×{size}, seeds from {seed}, solvable within {maxSteps} steps), planner {plannerName}: {PlannerChoice.Describe(planner())}"));

            GoalTaskComparison comparison = null!;
            Image[]? filmedFrames = null;
            string[]? filmedActions = null;
            console.Progress().AutoClear(false).Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn())
                .Start(context =>
                {
                    var bars = controllers.ToDictionary(c => c.Name, c => context.AddTask(Markup.Escape(c.Name), autoStart: false, maxValue: taskCount));
                    comparison = GoalTaskEvaluation.Compare(source, controllers, taskCount, maxSteps, seed,
                        film: (name, index, frames, actions) => { if (name == controllers[^1].Name && index == videoTask) (filmedFrames, filmedActions) = (frames, actions); },
                        progress: (name, runs) =>
                        {
                            bars[name].StartTask();
                            bars[name].Increment(1);
                            bars[name].Description = Markup.Escape($"{name}: {runs.Count(r => r.Solved)}/{runs.Count} solved");
                        });
                });
            var seeds = comparison.Seeds;
            console.Write(SuccessTable(comparison.Rows, maxSteps));
            if (parse.GetValue(imaginationOption))
            {
                if (model is null) throw new ArgumentException("--in-imagination evaluates policies in the world model's imagination; give --checkpoint.");
                InImagination(console, model, source, [controllers[0], controllers[^1]], seeds, maxSteps);
            }
            planning?.Dispose();
            latentProbe?.Dispose();
            Directory.CreateDirectory(outFolder);
            string jsonPath = Path.Combine(outFolder, "plan.json");
            AtomicFile.WriteAllText(jsonPath, Report(comparison.Rows, envId, seeds, size, plannerName, PlannerChoice.Describe(planner()), rewardName, PlanRewards.ReadsFrames(rewardName) ? sampling.Steps : null, palette, maxSteps).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            console.WriteLine($"results: {jsonPath}");
            if (filmedFrames is not null)
            {
                string video = Path.Combine(outFolder, $"episode-task{videoTask}-seed{seeds[videoTask]}.{format}");
                try
                {
                    var imagined = model is null ? null : new ImaginationEngine(model).ImagineVideo(filmedFrames[0], filmedActions!, seed);
                    var frames = filmedFrames.Select((real, i) => imagined is null ? real : SideBySideFrames.Compose(real, i == 0 ? filmedFrames[0] : imagined[i - 1])).ToArray();
                    VideoWriter.Write(video, frames, fps: 4, scale: Math.Max(1, 128 / size));
                    console.WriteLine($"video:   {video}");
                    console.WriteLine(imagined is null ? "         the executed episode"
                        : "         left: the executed episode; right: the world model imagining the same actions from the start");
                }
                catch (FFmpegNotFoundException e)
                {
                    console.WriteLine($"video skipped: {e.Message}");
                }
            }
            return 0;
        });
        return command;
    }

    /// <summary>
    /// Policy evaluation in imagination: each controller's policy, freshly made per episode, from every task's start state
    /// in a PanEnv over the model (closed loop, the goal read off imagined frames by the probe) and in the real
    /// environment; the paired gap of the returns with its interval, and both success rates with Wilson intervals.
    /// </summary>
    static void InImagination(IAnsiConsole console, PanGym.WorldModel.PanWorldModel model, IGoalTaskSource source, IReadOnlyList<GoalTaskController> controllers, IReadOnlyList<int> seeds, int maxSteps)
    {
        var table = new Table().Title($"policy evaluation in imagination: {seeds.Count} goal tasks of at most {maxSteps} steps, the same start states imagined and real");
        table.AddColumns("policy", "real return", "imagined return", "imagined − real, 95% interval", "real success (Wilson)", "imagined success");
        using var imagined = new PanEnv(model, new PanEnvOptions(source.CandidateActions));
        foreach (var controller in controllers)
        {
            var result = PolicyEvaluation.Run(_ => controller.MakePolicy(), imagined, source.Environment, seeds, maxSteps, (_, info) => source.ProbeGoalTest(info)
                ?? throw new ArgumentException($"--in-imagination reads the goal off imagined frames with a probe; {source.Name}'s goal tasks have none."));
            int realSolved = result.Episodes.Count(e => e.RealTerminated), imaginedSolved = result.Episodes.Count(e => e.ImaginedTerminated);
            var real = Estimate.OfProportion(realSolved, seeds.Count);
            table.AddRow(Markup.Escape(controller.Name), result.MeanRealReturn.ToString("F3", _invariant), result.MeanImaginedReturn.ToString("F3", _invariant),
                Markup.Escape($"{result.MeanGap.ToString("+0.000;-0.000", _invariant)} [{result.GapLower.ToString("F3", _invariant)}, {result.GapUpper.ToString("F3", _invariant)}]"),
                $"{realSolved}/{seeds.Count} ({Percent(real.Lower)}–{Percent(real.Upper)})", $"{imaginedSolved}/{seeds.Count}");
        }
        table.Caption("Returns: +1 on reaching the goal, −0.01 a step otherwise. Imagined episodes start at the real start frame; the policy is made afresh for each, " +
            "so random actions draw the same actions in both worlds.");
        console.Write(table);
    }

    static Table SuccessTable(IReadOnlyList<GoalTaskRow> results, int maxSteps)
    {
        var table = new Table().Title($"success within {maxSteps} steps, executed in the real environment");
        table.AddColumns("controller", "solved", "success", "95% interval (Wilson)", "mean steps when solved", "s / decision (mean)", "s / decision (max)");
        foreach (var (controller, result) in results)
        {
            var success = result.Success;
            table.AddRow(Markup.Escape(controller), $"{result.Solved}/{result.Runs.Count}", Percent(success.Mean), $"{Percent(success.Lower)}–{Percent(success.Upper)}",
                result.MeanStepsWhenSolved?.ToString("F1", _invariant) ?? "-",
                result.MeanDecisionSeconds.ToString("F3", _invariant), result.MaxDecisionSeconds.ToString("F3", _invariant));
        }
        table.Caption("The max includes each controller's first decision, which pays one-time setup (libtorch's first calls); plan.json has each task's mean and max.");
        return table;
    }

    static JsonObject Report(IReadOnlyList<GoalTaskRow> results, string envId, IReadOnlyList<int> seeds, int size, string planner, string settings, string reward, int? rewardDecodeSteps, bool palette, int maxSteps)
    {
        var controllers = new JsonArray();
        foreach (var (controller, result) in results)
        {
            var success = result.Success;
            controllers.Add(new JsonObject
            {
                ["controller"] = controller,
                ["solved"] = result.Solved,
                ["tasks"] = result.Runs.Count,
                ["success_rate"] = success.Mean,
                ["success_interval_95"] = new JsonArray(success.Lower, success.Upper),
                ["mean_decision_seconds"] = result.MeanDecisionSeconds,
                ["max_decision_seconds"] = result.MaxDecisionSeconds,
                ["runs"] = new JsonArray(result.Runs.Select(r => (JsonNode)new JsonObject
                {
                    ["seed"] = r.Seed,
                    ["solved"] = r.Solved,
                    ["steps"] = r.Steps,
                    ["mean_decision_seconds"] = r.MeanDecisionSeconds,
                    ["max_decision_seconds"] = r.MaxDecisionSeconds,
                }).ToArray()),
            });
        }
        return new JsonObject
        {
            ["env"] = envId,
            ["size"] = size,
            ["max_steps"] = maxSteps,
            ["seeds"] = new JsonArray(seeds.Select(s => (JsonNode)s).ToArray()),
            ["planner"] = planner,
            ["planner_settings"] = settings,
            ["world_model_reward"] = reward,
            ["reward_decode_steps"] = rewardDecodeSteps,
            ["palette"] = palette,
            ["controllers"] = controllers,
        };
    }

    static string Percent(double share) => (100 * share).ToString("F0", _invariant) + "%";
}
