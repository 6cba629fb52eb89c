using PanGym.Envs;
using PanGym.Evaluation;
using PanGym.Gym;
using PanGym.Planning;

namespace PanGym.Tests.Planning;

public sealed class GoalTaskEvaluationTests
{
    /// <summary>ShapesWorld's optimal expert as a policy, reading the true state from the info.</summary>
    sealed class ExpertPolicy(ShapesWorld env) : ITextPolicy
    {
        readonly ShapesWorldExpert _expert = new(env);
        public int Resets { get; private set; }
        public void Reset() => Resets++;
        public string Act(Image observation, IReadOnlyDictionary<string, object?> info) => _expert.Act((ShapesWorldState)info["state"]!);
    }

    sealed class WaitingPolicy : ITextPolicy
    {
        public void Reset() { }
        public string Act(Image observation, IReadOnlyDictionary<string, object?> info) => ShapesWorldAction.Wait.ToString();
    }

    [Fact]
    public void The_expert_solves_every_task_in_its_own_number_of_steps_and_each_filmed_task_has_one_frame_per_action()
    {
        using var env = new ShapesWorld(ShapesWorldConfig.Small);
        var seeds = ShapesWorldGoalTasks.Seeds(ShapesWorldConfig.Small, 4);
        var expectedSteps = seeds.Select(seed =>
        {
            env.Reset(seed);
            return ShapesWorldGoalTasks.ExpertSteps(env, new ShapesWorldExpert(env), ShapesWorldGoalTasks.DefaultMaxSteps)!.Value;
        }).ToArray();
        var policy = new ExpertPolicy(env);
        var filmed = new List<(int Index, Image[] Frames, string[] Actions)>();
        var progress = new List<int>();

        var result = GoalTaskEvaluation.Run(policy, env, seeds, ShapesWorldGoalTasks.DefaultMaxSteps,
            film: (index, frames, actions) => filmed.Add((index, frames, actions)), progress: runs => progress.Add(runs.Count));

        Assert.Equal(seeds, result.Runs.Select(r => r.Seed));
        Assert.All(result.Runs, r => Assert.True(r.Solved));
        Assert.Equal(expectedSteps, result.Runs.Select(r => r.Steps));
        Assert.Equal(expectedSteps.Average(), result.MeanStepsWhenSolved);
        Assert.Equal(Estimate.OfProportion(4, 4), result.Success);
        Assert.Equal(4, policy.Resets);
        Assert.Equal([1, 2, 3, 4], progress);
        Assert.Equal([0, 1, 2, 3], filmed.Select(f => f.Index));
        Assert.All(filmed, f => Assert.Equal((expectedSteps[f.Index], f.Actions.Length + 1), (f.Actions.Length, f.Frames.Length)));
        Assert.True(result.MaxDecisionSeconds >= result.MeanDecisionSeconds && result.MeanDecisionSeconds >= 0);
        Assert.False(env.IsClosed);
        env.Reset(seeds[0]);
    }

    [Fact]
    public void A_policy_that_never_reaches_the_goal_runs_each_task_to_the_budget_and_solves_none()
    {
        using var env = new ShapesWorld(ShapesWorldConfig.Small);
        var seeds = ShapesWorldGoalTasks.Seeds(ShapesWorldConfig.Small, 3);

        var result = GoalTaskEvaluation.Run(new WaitingPolicy(), env, seeds, maxSteps: 5);

        Assert.All(result.Runs, r => Assert.Equal((false, 5), (r.Solved, r.Steps)));
        Assert.Equal(0, result.Solved);
        Assert.Null(result.MeanStepsWhenSolved);
        Assert.Equal(0, result.Success.Mean);
        Assert.InRange(result.Success.Upper, 0.4, 0.8);
    }

    [Fact]
    public void No_tasks_or_no_steps_are_refused()
    {
        using var env = new ShapesWorld(ShapesWorldConfig.Small);
        Assert.Throws<ArgumentException>(() => GoalTaskEvaluation.Run(new WaitingPolicy(), env, [], 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => GoalTaskEvaluation.Run(new WaitingPolicy(), env, [1], 0));
    }
}
