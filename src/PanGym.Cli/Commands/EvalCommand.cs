using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using PanGym.Envs;
using PanGym.Evaluation;
using PanGym.Experiments;
using PanGym.Gym;
using PanGym.Imagination;
using PanGym.WorldModel;

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
        var envOption = new Option<string>("--env") { Description = "The ground-truth environment (ShapesWorld-v0, MomentumWorld-v0 or one registered), made at the model's frame size.", Required = true };
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
            var options = new EvaluationRunOptions(parse.GetValue(checkpointOption)!.FullName, config, sampling, parse.GetValue(closedLoopOption), parse.GetValue(compareOption), parse.GetValue(paletteOption));
            EvaluationView.Evaluate(CliConsole.Create(Console.Out), options, registry, services.GetRequiredService<GroundTruthRegistry>(), spec.Id, outFolder);
            return 0;
        });
        return command;
    }
}
