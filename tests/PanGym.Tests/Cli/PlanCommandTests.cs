using System.Text.Json.Nodes;
using PanGym.Envs;
using PanGym.WorldModel;

namespace PanGym.Tests.Cli;

[Collection(FFmpegCollection.Name)]
public sealed class PlanCommandTests : IDisposable
{
    readonly string _folder = Directory.CreateTempSubdirectory("pangym-plan-cli-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Plans_with_the_true_simulator_beside_random_actions()
    {
        string output = Path.Combine(_folder, "true");
        var (code, text, error) = CliRunner.Run("plan", "--true-model", "--tasks", "4", "--out", output);
        Assert.True(code == 0, error);
        Assert.Contains("random actions", text);
        Assert.Contains("cem + true simulator", text);
        Assert.Contains("4/4", text);
        var report = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "plan.json")))!;
        Assert.Equal(2, report["controllers"]!.AsArray().Count);
        Assert.Equal(4, (int)report["controllers"]![1]!["solved"]!);
        Assert.Single(Directory.GetFiles(output, "episode-task0-*.gif"));
    }

    [Fact]
    public void Plans_with_mppi_at_td_mpc2_s_budget_with_single_settings_overridden()
    {
        string output = Path.Combine(_folder, "mppi");
        var (code, text, error) = CliRunner.Run("plan", "--true-model", "--tasks", "1", "--max-steps", "4", "--planner", "mppi", "--budget", "tdmpc2",
            "--population", "16", "--out", output);
        Assert.True(code == 0, error);
        Assert.Contains("mppi + true simulator", text);
        var report = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "plan.json")))!;
        Assert.Equal("mppi", (string)report["planner"]!);
        Assert.Equal("horizon 3, population 16, 6 iterations, λ 2, best 16 weighted, α 0, warm start True", (string)report["planner_settings"]!);
    }

    [Fact]
    public void Plans_with_a_world_model_checkpoint_and_films_the_episode_beside_its_imagination()
    {
        string checkpoint = Path.Combine(_folder, "model");
        using (var model = PanGym.WorldModel.PanWorldModel.Create(WorldModelConfig.Tiny, seed: 0)) WorldModelCheckpoint.Save(model, checkpoint);
        string output = Path.Combine(_folder, "wm");

        var (code, text, error) = CliRunner.Run("plan", "--checkpoint", checkpoint, "--tasks", "1", "--max-steps", "3", "--planner", "random",
            "--horizon", "2", "--population", "6", "--decode-steps", "1", "--out", output);

        Assert.True(code == 0, error);
        var report = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "plan.json")))!;
        Assert.Equal(["random actions", "random + true simulator", "random + world model (probe reward)"],
            report["controllers"]!.AsArray().Select(c => (string)c!["controller"]!));
        Assert.Equal("horizon 2, population 6", (string)report["planner_settings"]!);
        Assert.Equal("probe", (string)report["world_model_reward"]!);
        Assert.Equal(1, (int)report["reward_decode_steps"]!);
        Assert.Contains("right: the world model imagining the same actions", text);
        Assert.Single(Directory.GetFiles(output, "episode-task0-*.gif"));

        (code, text, error) = CliRunner.Run("plan", "--checkpoint", checkpoint, "--tasks", "1", "--max-steps", "2", "--horizon", "2", "--population", "4",
            "--iterations", "1", "--reward", "latent-probe", "--out", Path.Combine(_folder, "probe"));
        Assert.True(code == 0, error);
        Assert.Contains("latent probe: shape centres read out of the latents", text);

        (code, _, error) = CliRunner.Run("plan", "--checkpoint", checkpoint, "--tasks", "1", "--max-steps", "2", "--planner", "random", "--horizon", "2",
            "--population", "4", "--decode-steps", "1", "--reward", "multiscale", "--out", Path.Combine(_folder, "multiscale"));
        Assert.True(code == 0, error);
        report = JsonNode.Parse(File.ReadAllText(Path.Combine(_folder, "multiscale", "plan.json")))!;
        Assert.Equal("random + world model (multiscale reward, palette)", (string)report["controllers"]![2]!["controller"]!);
        Assert.True((bool)report["palette"]!);
        Assert.Equal(1, (int)report["reward_decode_steps"]!);
    }

    [Fact]
    public void Evaluates_policies_in_imagination_beside_the_real_environment_with_the_gap_interval()
    {
        string checkpoint = Path.Combine(_folder, "model");
        using (var model = PanGym.WorldModel.PanWorldModel.Create(WorldModelConfig.Tiny, seed: 0)) WorldModelCheckpoint.Save(model, checkpoint);

        var (code, text, error) = CliRunner.Run("plan", "--checkpoint", checkpoint, "--in-imagination", "--tasks", "2", "--max-steps", "2",
            "--planner", "random", "--horizon", "2", "--population", "4", "--decode-steps", "1", "--out", Path.Combine(_folder, "imagined"));

        Assert.True(code == 0, error);
        Assert.Contains("policy evaluation in imagination: 2 goal tasks", text);
        Assert.Matches(@"[+-]\d\.\d{3} \[-?\d\.\d{3}, -?\d\.\d{3}\]", text);
    }

    static void AddDotWorld(PanGym.DependencyInjection.PanGymBuilder pan) => pan.AddGroundTruthEnvironment(PanGym.Tests.Envs.DotWorld.Spec0,
        (_, kwargs) => PanGym.Tests.Envs.DotWorld.Create(kwargs), _ => new PanGym.Tests.Envs.DotExploration(),
        goalTasks: dot => new GroundTruthGoalTasks<PanGym.Tests.Envs.DotState, PanGym.Tests.Envs.DotAction>(dot, name: "DotWorld"));

    [Fact]
    public void Plans_on_a_registered_environment_that_provides_goal_tasks()
    {
        string output = Path.Combine(_folder, "dot");
        var (code, text, error) = CliRunner.RunWith(AddDotWorld, "plan", "--env", "DotWorld-v0", "--true-model", "--tasks", "3", "--out", output);

        Assert.True(code == 0, error);
        Assert.Contains("3 DotWorld goal tasks", text);
        Assert.Contains("cem + true simulator", text);
        var report = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "plan.json")))!;
        Assert.Equal("DotWorld-v0", (string)report["env"]!);
        Assert.Equal(20, (int)report["max_steps"]!);
        Assert.Equal(3, (int)report["controllers"]![1]!["solved"]!);

        (code, _, error) = CliRunner.Run("plan", "--env", "DotWorld-v0", "--true-model", "--tasks", "1", "--out", Path.Combine(_folder, "dot2"));
        Assert.Equal(2, code);
        Assert.Contains("No environment named \"DotWorld-v0\"", error);

        string checkpoint = Path.Combine(_folder, "model");
        using (var model = PanGym.WorldModel.PanWorldModel.Create(WorldModelConfig.Tiny, seed: 0)) WorldModelCheckpoint.Save(model, checkpoint);
        (code, _, error) = CliRunner.RunWith(AddDotWorld, "plan", "--env", "DotWorld-v0", "--checkpoint", checkpoint, "--tasks", "1", "--out", Path.Combine(_folder, "dot3"));
        Assert.Equal(2, code);
        Assert.Contains("--reward multiscale needs a goal frame; DotWorld-v0's goal tasks draw none", error);   // auto: no probe, so the goal-image reward
        (code, _, error) = CliRunner.RunWith(AddDotWorld, "plan", "--env", "DotWorld-v0", "--checkpoint", checkpoint, "--tasks", "1", "--reward", "probe", "--out", Path.Combine(_folder, "dot4"));
        Assert.Equal(2, code);
        Assert.Contains("--reward probe needs a probe reward; DotWorld-v0's goal tasks have none", error);
    }

    [Theory]
    [InlineData("needs no checkpoint", "Give the world model", "--tasks", "1")]
    [InlineData("planner", "--planner must be cem, mppi or random", "--true-model", "--planner", "greedy")]
    [InlineData("budget", "--budget must be default, planet", "--true-model", "--budget", "huge")]
    [InlineData("cem settings for mppi", "--elite-fraction is a CEM setting", "--true-model", "--planner", "mppi", "--elite-fraction", "0.2")]
    [InlineData("mppi settings for cem", "--temperature is an MPPI setting", "--true-model", "--temperature", "0.5")]
    [InlineData("mppi temperature", "temperature λ must be a finite number above 0", "--true-model", "--planner", "mppi", "--temperature", "0")]
    [InlineData("env", "MomentumWorld-v0 has no goal tasks to plan on", "--true-model", "--env", "MomentumWorld-v0")]
    [InlineData("reward", "--reward must be", "--true-model", "--reward", "pixels")]
    [InlineData("tasks", "--tasks must be at least 1", "--true-model", "--tasks", "0")]
    [InlineData("cem settings for random", "are CEM and MPPI settings", "--true-model", "--planner", "random", "--iterations", "2")]
    public void Bad_input_is_refused_with_a_clear_message(string _, string message, params string[] args)
    {
        var (code, _, error) = CliRunner.Run(["plan", .. args, "--out", Path.Combine(_folder, "bad")]);
        Assert.Equal(2, code);
        Assert.Contains(message, error);
    }
}
