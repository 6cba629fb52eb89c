using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using PanGym.Envs;
using PanGym.Experiments;
using PanGym.Gym;
using PanGym.Imagination;
using PanGym.Media;
using PanGym.WorldModel;

namespace PanGym.Cli.Commands;

/// <summary>
/// <c>pangym rollout</c>: imagines a video with a world model from a start frame (a PNG file, read by
/// <see cref="PngReader"/>) or an environment's seeded start, through a list of text actions, and writes it as mp4 or
/// gif; with an environment, optionally side by side with the true video (truth left, imagination right).
/// </summary>
internal static class RolloutCommand
{
    public static Command Create(IServiceProvider services)
    {
        var checkpointOption = new Option<DirectoryInfo>("--checkpoint") { Description = "A world-model checkpoint folder, or a training output folder.", Required = true };
        var startOption = new Option<FileInfo?>("--start-frame") { Description = "The start frame, a PNG of the model's frame size." };
        var envOption = new Option<string?>("--env") { Description = "Start from this environment's reset instead (made at the model's frame size)." };
        var seedOption = new Option<int>("--seed") { Description = "With --env: the reset seed; also the decoder's noise seed.", DefaultValueFactory = _ => 0 };
        var actionsOption = new Option<string>("--actions") { Description = "Text actions separated by ';', e.g. \"move the red circle up; wait\".", Required = true };
        var outOption = new Option<FileInfo>("--out") { Description = "The video file, .mp4 or .gif.", Required = true };
        var besideOption = new Option<bool>("--beside-truth") { Description = "With --env: put the true video on the left." };
        var stepsOption = new Option<int>("--steps") { Description = "K, flow-matching solver steps per decoded frame.", DefaultValueFactory = _ => RolloutOptions.DefaultSampling.Steps };
        var temperatureOption = new Option<double>("--temperature")
        {
            Description = "Scale of the decoder's starting noise: 0 follows the flow from the prior's mean; 1 samples the learned distribution of next frames.",
            DefaultValueFactory = _ => RolloutOptions.DefaultSampling.Temperature,
        };
        var paletteOption = new Option<bool>("--palette")
        {
            Description = "Snap each imagined frame to the start frame's flat colours (none for natural images) before it is re-encoded.",
            DefaultValueFactory = _ => true,
        };
        var fpsOption = new Option<int>("--fps") { Description = "Frames per second.", DefaultValueFactory = _ => 4 };
        var scaleOption = new Option<int>("--scale") { Description = "Integer enlargement of the small frames.", DefaultValueFactory = _ => 4 };

        var command = new Command("rollout", "Imagine a video from a start frame and text actions with a world model.")
        {
            checkpointOption, startOption, envOption, seedOption, actionsOption, outOption, besideOption, stepsOption, temperatureOption, paletteOption, fpsOption, scaleOption,
        };
        command.SetAction(parse =>
        {
            string output = CheckOutput(parse.GetValue(outOption)!.FullName, parse.GetValue(scaleOption));
            var startFile = parse.GetValue(startOption);
            string? envId = parse.GetValue(envOption);
            if (startFile is null == envId is null)
                throw new ArgumentException(startFile is null ? "Give a start: --start-frame <png> or --env <id> --seed <n>." : "Give either --start-frame or --env, not both.");
            bool beside = parse.GetValue(besideOption);
            if (beside && envId is null) throw new ArgumentException("--beside-truth needs --env: only an environment has a true video to show.");
            string[] actions = [.. parse.GetValue(actionsOption)!.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];
            if (actions.Length == 0) throw new ArgumentException("--actions holds no action; separate actions with ';'.");
            int fps = parse.GetValue(fpsOption), scale = parse.GetValue(scaleOption), seed = parse.GetValue(seedOption);
            if (fps < 1 || scale < 1) throw new ArgumentException($"--fps and --scale must be at least 1; got {fps} and {scale}.");
            var sampling = new FlowSamplingOptions(steps: parse.GetValue(stepsOption), temperature: parse.GetValue(temperatureOption));
            FFmpegTools.EnsureAvailable();

            var registry = services.GetRequiredService<EnvRegistry>();
            string? envName = envId is null ? null : registry.Spec(envId).Id;
            var options = new RolloutRunOptions(parse.GetValue(checkpointOption)!.FullName, actions, seed, sampling, startFile?.FullName, beside, parse.GetValue(paletteOption));
            Rollout(options, registry, services.GetRequiredService<GroundTruthRegistry>(), envName, output, fps, scale);
            return 0;
        });
        return command;
    }

    /// <summary>Checks that the video <paramref name="output"/> can be written (an mp4 or gif file name, not a folder) and returns it.</summary>
    public static string CheckOutput(string output, int scale)
    {
        string extension = Path.GetExtension(output).ToLowerInvariant();
        if (!VideoWriter.SupportedExtensions.Contains(extension))
            throw new ArgumentException($"--out must end in {string.Join(" or ", VideoWriter.SupportedExtensions)}; got \"{Path.GetFileName(output)}\".");
        if (Directory.Exists(output)) throw new IOException($"--out {output} is a folder; give a video file name.");
        VideoWriter.CheckOutput(output, scale);
        return output;
    }

    /// <summary>Imagines the rollout, writes its video and says what it wrote.</summary>
    /// <param name="options">The rollout.</param>
    /// <param name="registry">The environments.</param>
    /// <param name="simulators">The ground-truth simulators the environment's truth comes from.</param>
    /// <param name="envId">The environment to start from (null for a start frame).</param>
    /// <param name="output">The video file, already checked.</param>
    /// <param name="fps">Frames per second.</param>
    /// <param name="scale">Integer enlargement.</param>
    public static void Rollout(RolloutRunOptions options, EnvRegistry registry, GroundTruthRegistry simulators, string? envId, string output, int fps, int scale)
    {
        var result = RolloutRun.Run(options, envId is null ? null : GroundTruthSimulators.At(registry, envId, simulators));
        VideoWriter.Write(output, result.Frames, fps, scale);
        Console.WriteLine($"wrote {output}: the start frame and {result.Imagined.Count} imagined frames{(options.BesideTruth ? ", truth on the left" : "")}");
    }
}
