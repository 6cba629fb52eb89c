using PanGym.Envs;
using PanGym.Gym;
using PanGym.Planning;
using PanGym.Tests.Envs;

namespace PanGym.Tests.Planning;

/// <summary>Goal tasks over any environment: the generic source, the registry's look-up and the comparison runner.</summary>
public sealed class GoalTaskSourceTests
{
    static EnvRegistry Registry()
    {
        var registry = new EnvRegistry();
        GroundTruthEnvironments.Register(registry);
        return registry;
    }

    [Fact]
    public void ShapesWorlds_registered_goal_tasks_are_the_seeds_and_rows_pangym_plan_always_ran()
    {
        using var source = GroundTruthRegistry.Default.GoalTasksFor(Registry().Make(GroundTruthEnvironments.ShapesWorldId, new Dictionary<string, object?> { ["size"] = 32 }));

        Assert.Equal("ShapesWorld", source.Name);
        Assert.Equal(ShapesWorldGoalTasks.DefaultMaxSteps, source.DefaultMaxSteps);
        Assert.Equal(ShapesWorldGoalTasks.Seeds(ShapesWorldConfig.Small, 5), source.Seeds(5, ShapesWorldGoalTasks.DefaultMaxSteps));
        var comparison = GoalTaskEvaluation.Compare(source, GoalTaskEvaluation.Baselines(source, () => new CemPlanner(), "cem"), tasks: 3);
        Assert.Equal(["random actions", "cem + true simulator"], comparison.Rows.Select(r => r.Controller));
        Assert.Equal(3, comparison["cem + true simulator"].Solved);
        Assert.Contains("cem + true simulator     3/3", comparison.ToText());
    }

    [Fact]
    public void A_new_environments_goal_tasks_are_solvable_and_its_true_simulator_scores_with_its_own_ComputeReward()
    {
        var registry = new GroundTruthRegistry().RegisterGoalTasks<DotWorld>(dot => new GroundTruthGoalTasks<DotState, DotAction>(dot, defaultMaxSteps: 10,
            probeOutcome: (start, objects) => new StepOutcome(objects.Count, false)));
        using var source = registry.GoalTasksFor(new DotWorld());
        var dot = (DotWorld)source.Environment;

        var seeds = source.Seeds(4, 10);
        Assert.Equal(4, seeds.Distinct().Count());
        var tasks = (GroundTruthGoalTasks<DotState, DotAction>)source;
        Assert.All(seeds, seed => Assert.InRange(tasks.StepsToGoal((DotState)dot.Reset(seed).Info["state"]!, 10)!.Value, 1, 10));
        Assert.Null(source.GoalFrame(dot.Reset(seeds[0]).Info));
        Assert.NotNull(source.ProbeReward(dot.Reset(seeds[0]).Info));

        var (frame, info) = dot.Reset(seeds[0]);
        var model = source.TrueModel();
        model.Begin(frame, info);
        var start = dot.State;
        var scores = model.Score([["push right"], ["push left", "push left"]]);
        var right = dot.Transition(start, dot.ParseAction("push right"));
        var left = dot.Transition(start, dot.ParseAction("push left"));
        Assert.Equal(dot.ComputeReward(start, dot.ParseAction("push right"), right), scores.Returns[0], 12);
        Assert.Equal(dot.ComputeReward(start, dot.ParseAction("push left"), left)
            + dot.ComputeReward(left, dot.ParseAction("push left"), dot.Transition(left, dot.ParseAction("push left"))), scores.Returns[1], 12);

        var comparison = GoalTaskEvaluation.Compare(source, GoalTaskEvaluation.Baselines(source, () => new CemPlanner(), "cem"), tasks: 3);
        Assert.Equal(3, comparison["cem + true simulator"].Solved);
    }

    [Fact]
    public void An_environment_without_goal_tasks_is_refused_by_name_with_how_to_provide_them()
    {
        var e = Assert.Throws<ArgumentException>(() => GroundTruthRegistry.Default.GoalTasksFor(Registry().Make(GroundTruthEnvironments.MomentumWorldId)));
        Assert.Contains("MomentumWorld-v0 has no goal tasks", e.Message);
        Assert.Contains("IGoalTaskProvider", e.Message);
        Assert.Contains("RegisterGoalTasks<MomentumWorld>", e.Message);
    }

    [Fact]
    public void A_comparison_needs_controllers_and_tasks()
    {
        using var source = new ShapesWorldGoalTaskSource(new ShapesWorld(ShapesWorldConfig.Small));
        Assert.Throws<ArgumentException>(() => GoalTaskEvaluation.Compare(source, [], 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => GoalTaskEvaluation.Compare(source, GoalTaskEvaluation.Baselines(source, () => new CemPlanner(), "cem"), 0));
        Assert.Throws<KeyNotFoundException>(() => new GoalTaskComparison("x", [], 1, [])["cem"]);
    }
}
