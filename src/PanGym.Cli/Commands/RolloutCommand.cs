using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using PanGym.Envs;
using PanGym.Evaluation;
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
            string output = parse.GetValue(outOption)!.FullName;
            string extension = Path.GetExtension(output).ToLowerInvariant();
            if (!VideoWriter.SupportedExtensions.Contains(extension))
                throw new ArgumentException($"--out must end in {string.Join(" or ", VideoWriter.SupportedExtensions)}; got \"{Path.GetFileName(output)}\".");
            if (Directory.Exists(output)) throw new IOException($"--out {output} is a folder; give a video file name.");
            VideoWriter.CheckOutput(output, parse.GetValue(scaleOption));
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
            string checkpoint = CheckpointLocator.Resolve(parse.GetValue(checkpointOption)!.FullName);
            using var model = WorldModelCheckpoint.Load(checkpoint);
            int size = model.Config.ImageSize;
            Image? startImage = startFile is null ? null : PngReader.Read(startFile.FullName, (size, size));
            GroundTruthEpisode? truth = null;
            if (envName is not null)
            {
                using var simulator = GroundTruthSimulators.For(registry.Make(envName, new Dictionary<string, object?> { ["size"] = size }));
                truth = simulator.Replay(seed, actions);
                startImage = truth.Frames[0];
            }
            var start = startImage!;
            if (start.Height != size || start.Width != size)
                throw new ArgumentException($"The start frame is {start.Width}×{start.Height} but the model reads {size}×{size} frames; resize it first.");

            var palette = parse.GetValue(paletteOption) ? ColourPalette.FromFrames([start]) : null;
            var imagined = new ImaginationEngine(model, new RolloutOptions(sampling: sampling, palette: palette)).ImagineVideo(start, actions, seed);
            IReadOnlyList<Image> frames = beside
                ? new RolloutSample(seed, actions, truth!.Frames, imagined).SideBySide()
                : [start, .. imagined];
            VideoWriter.Write(output, frames, fps, scale);
            Console.WriteLine($"wrote {output}: the start frame and {imagined.Count} imagined frames{(beside ? ", truth on the left" : "")}");
            return 0;
        });
        return command;
    }
}
