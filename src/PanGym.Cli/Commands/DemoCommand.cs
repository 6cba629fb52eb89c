using System.CommandLine;
using PanGym.Envs;
using PanGym.Gym;
using PanGym.Media;

namespace PanGym.Cli.Commands;

/// <summary>
/// <c>pangym demo</c>: the main job on the built-in default environment. For now it plays a ShapesWorld episode with the
/// optimal expert and records it as mp4 and gif; the world-model issues extend it to train, evaluate and imagine.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var outOption = new Option<DirectoryInfo>("--out") { Description = "Output folder.", DefaultValueFactory = _ => new DirectoryInfo(Path.Combine("out", "demo")) };
        var seedOption = new Option<int>("--seed") { Description = "Seed of the episode.", DefaultValueFactory = _ => 0 };
        var command = new Command("demo", "Run the demo on ShapesWorld and write its videos.") { outOption, seedOption };
        command.SetAction(parse =>
        {
            var folder = parse.GetValue(outOption)!;
            if (File.Exists(folder.FullName)) throw new IOException($"The output folder \"{folder.FullName}\" is a file.");
            using var env = new ShapesWorld();
            var expert = new ShapesWorldExpert(env);
            var (observation, info) = env.Reset(parse.GetValue(seedOption));
            Console.WriteLine($"ShapesWorld {env.Config.Size}×{env.Config.Size}, seed {parse.GetValue(seedOption)}: {info["goal"]}");
            var frames = new List<Image> { observation };
            for (int step = 1; step <= 50; step++)
            {
                var action = expert.Act(env.State);
                var result = env.Step(action);
                frames.Add(result.Observation);
                Console.WriteLine($"step {step,2}: {action}");
                if (result.Terminated) break;
            }
            foreach (var extension in new[] { "mp4", "gif" })
            {
                var path = Path.Combine(folder.FullName, $"shapesworld-expert.{extension}");
                VideoWriter.Write(path, frames, env.Metadata.RenderFps, scale: 4);
                Console.WriteLine($"wrote {path}");
            }
            Console.WriteLine($"{(env.IsSuccess(env.State) ? "goal reached" : "goal not reached")} in {frames.Count - 1} steps");
            return 0;
        });
        return command;
    }
}
