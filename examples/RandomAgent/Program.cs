// A random agent on a ground-truth PanGym environment: the Gym loop a user starts from.
//   dotnet run --project examples/RandomAgent -- [env-id] [episodes]
using Microsoft.Extensions.DependencyInjection;
using PanGym.DependencyInjection;
using PanGym.Envs;
using PanGym.Gym;
using PanGym.Gym.Wrappers;

string envId = args.Length > 0 ? args[0] : "ShapesWorld-v0";
int episodes = args.Length > 1 ? int.Parse(args[1]) : 5;

using var services = new ServiceCollection()
    .AddPanGym(pan => pan.AddGroundTruthEnvironments())
    .BuildServiceProvider();
var registry = services.GetRequiredService<EnvRegistry>();

using var env = new RecordEpisodeStatistics<Image, string>(
    new RecordVideo<Image, string>(registry.Make(envId), "out/random-agent", episodeTrigger: id => id == 0, format: "gif", scale: 4));

env.ActionSpace.Seed(0);
var (observation, info) = env.Reset(seed: 0);
Console.WriteLine($"{envId}: observation {observation}, goal: {info.GetValueOrDefault("goal")}");
for (int episode = 0; episode < episodes;)
{
    var action = env.ActionSpace.Sample();
    var step = env.Step(action);
    if (step.Terminated || step.Truncated)
    {
        var stats = (EpisodeStatistics)step.Info[RecordEpisodeStatistics<Image, string>.InfoKey]!;
        Console.WriteLine($"episode {episode}: return {stats.Return:0.00} in {stats.Length} steps ({(step.Terminated ? "goal reached" : "time limit")})");
        episode++;
        env.Reset();
    }
}
Console.WriteLine("first episode recorded under out/random-agent/");
