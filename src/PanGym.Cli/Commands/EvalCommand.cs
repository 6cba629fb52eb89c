using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using PanGym.Envs;
using PanGym.Evaluation;
using PanGym.Gym;
using PanGym.Imagination;
using PanGym.WorldModel;
using Spectre.Console;

namespace PanGym.Cli.Commands;

/// <summary>
/// <c>pangym eval</c>: measures a trained world model against a ground-truth environment (PAN §7): one-step PSNR, SSIM
/// and action fidelity beside copying the last frame, rollout drift to the horizon, smoothness, consistency and, where
/// one frame hides the state (MomentumWorld), the no-history ablation; prints the headline figures and writes the report
/// folder (metrics.json, report.md, report.html).
/// </summary>
internal static class EvalCommand
{
    public static Command Create(IServiceProvider services)
    {
        var checkpointOption = new Option<DirectoryInfo>("--checkpoint") { Description = "A world-model checkpoint folder, or a training output folder (its checkpoint/model).", Required = true };
        var envOption = new Option<string>("--env") { Description = "The ground-truth environment (ShapesWorld-v0, MomentumWorld-v0), made at the model's frame size.", Required = true };
        var episodesOption = new Option<int>("--episodes") { Description = "Held-out episodes.", DefaultValueFactory = _ => EvaluationConfig.Default.Episodes };
        var horizonOption = new Option<int>("--horizon") { Description = "Actions per episode, H: one-step scores over every step, rollouts to H.", DefaultValueFactory = _ => EvaluationConfig.Default.Horizon };
        var stepsOption = new Option<int>("--steps") { Description = "K, flow-matching solver steps per decoded frame.", DefaultValueFactory = _ => RolloutOptions.DefaultSampling.Steps };
        var temperatureOption = new Option<double>("--temperature")
        {
            Description = "Scale of the decoder's starting noise: 0 follows the flow from the prior's mean; 1 samples the learned distribution of next frames.",
            DefaultValueFactory = _ => RolloutOptions.DefaultSampling.Temperature,
        };
        var closedLoopOption = new Option<ClosedLoop>("--closed-loop") { Description = "What enters the history after an imagined step: Reencode (PAN's closed loop) or Off.", DefaultValueFactory = _ => ClosedLoop.Reencode };
        var paletteOption = new Option<bool>("--palette")
        {
            Description = "Snap each imagined frame to the world's flat colours (read from the episodes' first frames; none for natural video) before it is re-encoded.",
            DefaultValueFactory = _ => true,
        };
        var compareOption = new Option<bool>("--compare-open-loop") { Description = "Also roll out without the closed loop and show its drift beside the model's.", DefaultValueFactory = _ => true };
        var seedOption = new Option<int>("--seed") { Description = "Which block of held-out seeds (episode i resets with 1,500,000,000 + seed + i), and the decoder's noise seed.", DefaultValueFactory = _ => 0 };
        var threadsOption = ThreadsOption.Create();
        var outOption = new Option<DirectoryInfo>("--out") { Description = "Report folder: metrics.json, report.md, report.html, plots and rollout GIFs.", Required = true };

        var command = new Command("eval", "Evaluate a world model against a ground-truth environment and write a report.")
        {
            checkpointOption, envOption, episodesOption, horizonOption, stepsOption, temperatureOption, closedLoopOption, paletteOption, compareOption, seedOption, threadsOption, outOption,
        };
        command.SetAction(parse =>
        {
            string outFolder = EvaluationReportWriter.EnsureReportFolder(parse.GetValue(outOption)!.FullName);
            var config = new EvaluationConfig(parse.GetValue(episodesOption), parse.GetValue(horizonOption), parse.GetValue(seedOption));
            var sampling = new FlowSamplingOptions(steps: parse.GetValue(stepsOption), temperature: parse.GetValue(temperatureOption));
            ThreadsOption.Apply(parse.GetValue(threadsOption));
            var registry = services.GetRequiredService<EnvRegistry>();
            var spec = registry.Spec(parse.GetValue(envOption)!);
            string checkpoint = CheckpointLocator.Resolve(parse.GetValue(checkpointOption)!.FullName);
            using var model = WorldModelCheckpoint.Load(checkpoint);
            int size = model.Config.ImageSize;
            using var simulator = GroundTruthSimulators.For(registry.Make(spec.Id, new Dictionary<string, object?> { ["size"] = size }));
            var closedLoop = parse.GetValue(closedLoopOption);
            var palette = parse.GetValue(paletteOption) ? ColourPalette.FromFrames(config.EpisodeSeeds.Select(s => simulator.Record(s, 1).Frames[0])) : null;
            var predictor = new WorldModelPredictor(model, new RolloutOptions(closedLoop, sampling, palette: palette), config.Seed);
            var noHistory = simulator.HasHiddenState ? new WorldModelPredictor(model, new RolloutOptions(closedLoop, sampling, HistoryWindow.LastStateOnly, palette), config.Seed) : null;
            var openLoop = closedLoop != ClosedLoop.Off && parse.GetValue(compareOption) ? new WorldModelPredictor(model, new RolloutOptions(ClosedLoop.Off, sampling, palette: palette), config.Seed) : null;
            KeyValuePair<string, string>[] details =
            [
                new("checkpoint", checkpoint),
                new("model", $"{model.Config.Preset} preset, {model.ParameterCounts()["total"]:N0} parameters, {size}×{size} frames"),
                new("decoding", $"{sampling.Steps} {sampling.Solver} steps per frame, temperature {sampling.Temperature}, step by step"),
                new("closed loop", closedLoop == ClosedLoop.Reencode ? "on: each decoded frame is encoded again and read as the next state (PAN §5)" : "off: the predicted states are read back"),
                new("palette", palette is null ? "none: imagined frames are read as decoded" : $"{palette.Colours.Count} flat colours: each imagined frame is snapped to them"),
                new("history window", $"{predictor.Window.MaxTurns} turns, re-read from the last {predictor.Window.KeptTurns} when full"),
            ];

            var console = CliConsole.Create(Console.Out);
            console.MarkupLine($"evaluating [bold]{Markup.Escape(model.Config.Preset)}[/] model on {config.Episodes} held-out {Markup.Escape(spec.Id)} episodes " +
                $"of {config.Horizon} steps ({size}×{size}){(noHistory is null ? "" : ", with the no-history ablation")}");
            EvaluationReport? report = null;
            console.Status().Start("starting", context =>
            {
                report = new DynamicsEvaluator(config).Evaluate(simulator, predictor, noHistory, details,
                    new InlineProgress<string>(stage => context.Status(Markup.Escape(stage))), openLoop);
            });
            var files = EvaluationReportWriter.Write(report!, outFolder);
            Summarise(console, report!, files);
            return 0;
        });
        return command;
    }

    static void Summarise(IAnsiConsole console, EvaluationReport report, EvaluationReportFiles files)
    {
        static string Number(Estimate e, string format) =>
            $"{e.Mean.ToString(format, CultureInfo.InvariantCulture)} [{Bound(e.Lower, format)}, {Bound(e.Upper, format)}]";
        static string Bound(double value, string format) => double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : "∞";
        static string Percent(Estimate e) => string.Create(CultureInfo.InvariantCulture, $"{100 * e.Mean:F1} % [{100 * e.Lower:F1}, {100 * e.Upper:F1}]");

        var columns = new List<OneStepMetrics> { report.OneStep, report.OneStepCopyLast };
        if (report.Ablation is { } ablation) columns.Add(ablation.NoHistory);
        var table = new Table().Title("one step ahead, 95 % CI").AddColumn("metric");
        foreach (var column in columns) table.AddColumn(new TableColumn(Markup.Escape(column.Predictor)).RightAligned());
        table.AddRow(["action fidelity", .. columns.Select(c => Markup.Escape(Percent(c.ActionFidelity)))]);
        table.AddRow(["PSNR (dB)", .. columns.Select(c => Markup.Escape(Number(c.Psnr, "F2")))]);
        table.AddRow(["SSIM", .. columns.Select(c => Markup.Escape(Number(c.Ssim, "F4")))]);
        table.AddRow(["position error (px)", .. columns.Select(c => Markup.Escape(Number(c.PositionError, "F2")))]);
        console.Write(table);

        int horizon = report.Drift.Horizon;
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"PSNR gain over copying the last frame: {report.PsnrGain:+0.00;-0.00} dB"));
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"rollout drift at horizon {horizon}: PSNR {report.Drift.Psnr[^1].Mean:F2} dB (copy last {report.DriftCopyLast.Psnr[^1].Mean:F2}), " +
            $"position error {report.Drift.PositionError[^1].Mean:F2} px (copy last {report.DriftCopyLast.PositionError[^1].Mean:F2})"));
        var drift = new Table().Title("rollout drift by horizon (means over episodes)").AddColumn("horizon");
        var open = report.DriftOpenLoop;
        foreach (var name in (string[])["position error (px)", "copy last", .. open is null ? Array.Empty<string>() : ["open loop"],
                     "pixel MSE", "copy last", "rollout fidelity", .. open is null ? Array.Empty<string>() : ["open loop"], "sharpness", "consistency"])
            drift.AddColumn(new TableColumn(name).RightAligned());
        foreach (int h in Enumerable.Range(0, 16).Select(k => 1 << k).TakeWhile(h => h < horizon).Append(horizon))
        {
            string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
            string P(Estimate e) => F(100 * e.Mean, "F1") + " %";
            int i = h - 1;
            drift.AddRow([
                h.ToString(CultureInfo.InvariantCulture), F(report.Drift.PositionError[i].Mean, "F2"), F(report.DriftCopyLast.PositionError[i].Mean, "F2"),
                .. open is null ? Array.Empty<string>() : [F(open.PositionError[i].Mean, "F2")],
                F(report.Drift.MeanSquaredError[i].Mean, "F1"), F(report.DriftCopyLast.MeanSquaredError[i].Mean, "F1"),
                P(report.Drift.RolloutFidelity[i]), .. open is null ? Array.Empty<string>() : [P(open.RolloutFidelity[i])],
                F(report.Drift.Sharpness[i].Mean, "F2"), P(report.Drift.Consistency[i]),
            ]);
        }
        console.Write(drift);
        var behind = Enumerable.Range(1, horizon).Where(h => report.Drift.PositionError[h - 1].Mean >= report.DriftCopyLast.PositionError[h - 1].Mean
            || report.Drift.MeanSquaredError[h - 1].Mean >= report.DriftCopyLast.MeanSquaredError[h - 1].Mean).ToArray();
        console.WriteLine(behind.Length == 0
            ? $"the model's position error and pixel MSE are below copying the last frame at every horizon up to {horizon}"
            : $"the model is not below copying the last frame at {behind.Length} of {horizon} horizons (first at {behind[0]})");
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"smoothness: imagined jumps {report.Smoothness.Predicted.Mean:F3} vs true {report.Smoothness.Truth.Mean:F3}; consistent rollout frames {100 * report.RolloutConsistency.Mean:F1} %"));
        if (report.Ablation is { } a)
            console.WriteLine($"no-history ablation: one-step MSE difference (no history − full) {Number(a.MeanSquaredErrorDifference, "F3")}: " +
                (a.HistoryHelps ? "the history helps (the 95 % CI excludes zero)" : "not shown to help (the 95 % CI does not lie above zero)"));
        if (files.Note is not null) console.WriteLine(files.Note);
        console.WriteLine($"report:  {files.Html}");
        console.WriteLine($"metrics: {files.Metrics}");
    }
}
