using PanGym.Envs;
using PanGym.Gym;
using PanGym.Gym.Wrappers;
using PanGym.Imagination;
using PanGym.Planning;
using PanGym.Tests.Imagination;

namespace PanGym.Tests.Planning;

public sealed class MpcAgentTests
{
    /// <summary>Runs <paramref name="agent"/> on the task of <paramref name="seed"/> for at most 20 steps; true when it reached the goal.</summary>
    static (bool Solved, int Steps) RunTask(ITextPolicy agent, Env<Image, string> env, int seed)
    {
        agent.Reset();
        var (observation, info) = env.Reset(seed);
        for (int step = 1; ; step++)
        {
            var result = env.Step(agent.Act(observation, info));
            if (result.Terminated) return (true, step);
            if (result.Truncated) return (false, step);
            (observation, info) = (result.Observation, result.Info);
        }
    }

    [Fact]
    public void Mpc_with_the_true_simulator_solves_ShapesWorld_goal_tasks()
    {
        using var shapes = new ShapesWorld(ShapesWorldConfig.Small);
        using var env = new TimeLimit<Image, string>(shapes, ShapesWorldGoalTasks.DefaultMaxSteps);
        var seeds = ShapesWorldGoalTasks.Seeds(ShapesWorldConfig.Small, 10);
        var agent = new MpcAgent(ShapesWorldGoalTasks.TrueModel(shapes), new CemPlanner(), ShapesWorldAction.Candidates);
        var random = new RandomTextPolicy(ShapesWorldAction.Candidates, seed: 0);

        var solved = seeds.Select(seed => RunTask(agent, env, seed)).ToArray();
        int randomSolved = seeds.Count(seed => RunTask(random, env, seed).Solved);

        Console.WriteLine($"MPC-CEM with the true simulator: {solved.Count(s => s.Solved)}/10 solved, mean {solved.Where(s => s.Solved).Average(s => s.Steps):F1} steps; random actions {randomSolved}/10");
        Assert.True(solved.Count(s => s.Solved) >= 9, $"solved only {solved.Count(s => s.Solved)} of 10");
        Assert.True(randomSolved < solved.Count(s => s.Solved));
        Assert.Equal(agent.Decisions, solved.Sum(s => s.Steps));
    }

    [Fact]
    public void Mpc_with_the_world_model_plans_over_the_candidates_and_follows_the_real_episode()
    {
        using var model = TinyWorld.Model(seed: 2);
        using var shapes = new ShapesWorld(ShapesWorldConfig.Small);
        using var planning = new WorldModelPlanningModel(model,
            (_, info) => LatentGoalReward.FromImage(model, ShapesWorldGoalTasks.GoalFrame(shapes, info)));
        var agent = new MpcAgent(planning, new CemPlanner(new CemConfig(horizon: 3, population: 8, iterations: 2)), ShapesWorldAction.Candidates);
        var (observation, info) = shapes.Reset(seed: 3);

        var turns = new List<int>();
        for (int step = 0; step < 6; step++)
        {
            var action = agent.Act(observation, info);
            Assert.Contains(action, ShapesWorldAction.Candidates);
            Assert.Equal(3, agent.LastPlan!.Actions.Count);
            Assert.True(agent.LastPlan.Return < 0);
            Assert.True(agent.LastPlan.ComputedSteps <= 2 * 8 * 3);
            turns.Add(planning.HistoryTurns);
            (observation, _, _, _, info) = shapes.Step(action);
        }
        Assert.Equal([0, 1, 1, 1, 1, 1], turns);
        Assert.IsType<LatentGoalReward>(planning.Reward);
    }

    [Fact]
    public void The_world_model_reuses_the_returns_of_sequences_scored_from_the_same_root_until_the_episode_moves()
    {
        using var model = TinyWorld.Model(seed: 2);
        using var shapes = new ShapesWorld(ShapesWorldConfig.Small);
        using var planning = new WorldModelPlanningModel(model,
            (_, info) => ShapesWorldGoalTasks.ProbeDistanceReward(shapes, info));
        using var fresh = new WorldModelPlanningModel(model, (_, info) => ShapesWorldGoalTasks.ProbeDistanceReward(shapes, info));
        var (observation, info) = shapes.Reset(seed: 3);
        planning.Begin(observation, info);
        fresh.Begin(observation, info);
        IReadOnlyList<string>[] first = [["wait", "wait"], ["move the red circle left", "wait"]];
        IReadOnlyList<string>[] second = [["move the red circle left", "wait"], ["wait", "move the red circle up"], ["wait", "wait"]];

        Assert.True(planning.ReusesReturns);
        var a = planning.Score(first);
        var b = planning.Score(second);

        Assert.Equal(4, a.ComputedSteps);
        Assert.Equal(2, b.ComputedSteps);   // only the new sequence, both steps: prefixes are not kept across calls
        Assert.Equal(a.Returns[1], b.Returns[0]);
        Assert.Equal(a.Returns[0], b.Returns[2]);
        var alone = fresh.Score(second);
        for (int i = 0; i < 3; i++) Assert.Equal(alone.Returns[i], b.Returns[i], 5);

        var (next, _, _, _, nextInfo) = shapes.Step("wait");
        planning.Advance("wait", next, nextInfo);
        Assert.Equal(4, planning.Score(first).ComputedSteps);
    }

    [Fact]
    public void Mpc_with_mppi_plans_with_the_world_model()
    {
        using var model = TinyWorld.Model(seed: 2);
        using var shapes = new ShapesWorld(ShapesWorldConfig.Small);
        using var planning = new WorldModelPlanningModel(model, (_, info) => ShapesWorldGoalTasks.ProbeDistanceReward(shapes, info));
        var agent = new MpcAgent(planning, new MppiPlanner(new MppiConfig(horizon: 2, population: 12, iterations: 3, elites: 4)), ShapesWorldAction.Candidates);
        var (observation, info) = shapes.Reset(seed: 3);
        for (int step = 0; step < 2; step++)
        {
            var action = agent.Act(observation, info);
            Assert.Contains(action, ShapesWorldAction.Candidates);
            Assert.Equal(36, agent.LastPlan!.SequencesScored);
            Assert.True(agent.LastPlan.ComputedSteps <= 36 * 2);
            (observation, _, _, _, info) = shapes.Step(action);
        }
    }

    [Fact]
    public void The_true_simulator_reads_the_state_from_the_info()
    {
        using var shapes = new ShapesWorld(ShapesWorldConfig.Small);
        var model = ShapesWorldGoalTasks.TrueModel(shapes);
        var missing = Assert.Throws<ArgumentException>(() => model.Begin(new Image(32, 32), new Dictionary<string, object?>()));
        Assert.Contains("\"state\"", missing.Message);
        Assert.Throws<InvalidOperationException>(() => model.Score([["wait"]]));

        var (observation, info) = shapes.Reset(seed: 0);
        model.Begin(observation, info);
        var expert = new ShapesWorldExpert(shapes).Act(shapes.State);
        var scores = model.Score([[expert], ["wait"]]);
        Assert.True(scores.Returns[0] > scores.Returns[1]);
        Assert.Equal(2, scores.ComputedSteps);
    }
}
