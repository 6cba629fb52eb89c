using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using PanGym.Gym;
using PanGym.Gym.Spaces;
using PanGym.Media;
using Spectre.Console;

namespace PanGym.Cli.Commands;

/// <summary><c>pangym envs</c>: the ground-truth environments: list them, and play text actions into a video.</summary>
internal static class EnvsCommand
{
    public static Command Create(IServiceProvider services)
    {
        var command = new Command("envs", "The ground-truth text-action environments.");
        command.Subcommands.Add(CreateList(services));
        command.Subcommands.Add(CreatePlay(services));
        return command;
    }

    static Command CreateList(IServiceProvider services)
    {
        var list = new Command("list", "List the registered environments with their candidate actions.");
        list.SetAction(_ =>
        {
            var registry = services.GetRequiredService<EnvRegistry>();
            var table = new Table().AddColumns("id", "max steps", "frame", "description");
            var actionLines = new List<string>();
            foreach (var spec in registry.Specs)
            {
                using var env = registry.Make(spec.Id);
                table.AddRow(Markup.Escape(spec.Id), spec.MaxEpisodeSteps?.ToString() ?? "-",
                    string.Join("×", env.ObservationSpace.Shape ?? []), Markup.Escape(spec.Description));
                if (env.ActionSpace is TextSpace text)
                    actionLines.Add($"{spec.Id} actions ({text.Candidates.Count}): {string.Join("; ", text.Candidates)}");
            }
            AnsiConsole.Write(table);
            foreach (var line in actionLines) Console.WriteLine(line);
            return 0;
        });
        return list;
    }

    static Command CreatePlay(IServiceProvider services)
    {
        var envArgument = new Argument<string>("env") { Description = "Environment id, e.g. ShapesWorld-v0 (see `pangym envs list`)." };
        var actionsOption = new Option<string>("--actions") { Description = "Text actions separated by ';', e.g. \"move the red circle left; wait\".", Required = true };
        var outOption = new Option<FileInfo>("--out") { Description = "Video file to write: .mp4 or .gif.", Required = true };
        var seedOption = new Option<int>("--seed") { Description = "Seed of the episode's start state.", DefaultValueFactory = _ => 0 };
        var sizeOption = new Option<int?>("--size") { Description = "Canvas size in pixels (default: the environment's)." };
        var scaleOption = new Option<int>("--scale") { Description = "Enlarge frames in the video by this integer factor.", DefaultValueFactory = _ => 4 };
        var fpsOption = new Option<int?>("--fps") { Description = "Video frame rate (default: the environment's)." };

        var play = new Command("play", "Record a ground-truth episode that follows the given text actions.")
        {
            envArgument, actionsOption, outOption, seedOption, sizeOption, scaleOption, fpsOption,
        };
        play.SetAction(parse =>
        {
            var registry = services.GetRequiredService<EnvRegistry>();
            var actions = parse.GetValue(actionsOption)!.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (actions.Length == 0) throw new ArgumentException("--actions holds no action; separate actions with ';'.");
            var kwargs = new Dictionary<string, object?>();
            if (parse.GetValue(sizeOption) is int size) kwargs["size"] = size;
            var output = parse.GetValue(outOption)!;
            VideoWriter.CheckOutput(output.FullName, parse.GetValue(scaleOption));

            using var env = registry.Make(parse.GetValue(envArgument)!, kwargs, maxEpisodeSteps: int.MaxValue);
            var (_, info) = env.Reset(parse.GetValue(seedOption));
            var frames = new List<Image> { env.Render()! };
            double totalReward = 0;
            int steps = 0;
            bool terminated = false;
            if (info.TryGetValue("goal", out var goal)) Console.WriteLine($"goal: {goal}");
            foreach (var action in actions)
            {
                if (terminated) break;
                var result = env.Step(action);
                frames.Add(result.Observation);
                totalReward += result.Reward;
                steps++;
                terminated = result.Terminated;
                Console.WriteLine($"step {steps,3}: {action,-32} reward {result.Reward,6:0.00}{(terminated ? "  (terminated)" : "")}");
            }
            VideoWriter.Write(output.FullName, frames, parse.GetValue(fpsOption) ?? env.Metadata.RenderFps, parse.GetValue(scaleOption));
            Console.WriteLine($"wrote {output.FullName}: {frames.Count} frames ({frames[0].Width}×{frames[0].Height} px, ×{parse.GetValue(scaleOption)}), return {totalReward:0.00}");
            return 0;
        });
        return play;
    }
}
