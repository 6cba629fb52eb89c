using PanGym.Gym;
using PanGym.Imagination;
using PanGym.Planning;
using PanGym.Tests.Imagination;

namespace PanGym.Tests.Planning;

public sealed class GoalImageRewardsTests
{
    /// <summary>A model whose every return is NaN, as a reward that divides by zero gives.</summary>
    sealed class NaNModel : IPlanningModel
    {
        public void Begin(Image observation, IReadOnlyDictionary<string, object?> info) { }

        public void Advance(string action, Image observation, IReadOnlyDictionary<string, object?> info) { }

        public RolloutScores Score(IReadOnlyList<IReadOnlyList<string>> sequences) =>
            new([.. sequences.Select((_, i) => i == 1 ? double.NaN : -1.0)], sequences.Sum(s => s.Count));
    }

    [Fact]
    public void Without_a_probe_the_default_goal_reward_is_the_multi_scale_pixel_distance()
    {
        using var model = TinyWorld.Model();
        var goal = TinyWorld.Frame(4);

        var reward = GoalImageRewards.Default(model, goal);

        var multiScale = Assert.IsType<MultiScaleGoalReward>(reward);
        Assert.Equal(MultiScaleGoalReward.DefaultScales(goal.Height, goal.Width), multiScale.Scales);
        multiScale.Dispose();
        Assert.Equal(GoalImageRewards.MultiScale, GoalImageRewards.DefaultName(probeAvailable: false));
    }

    [Fact]
    public void With_a_probe_the_default_goal_reward_is_the_probe()
    {
        using var model = TinyWorld.Model();
        var probe = new DelegateReward(step => new StepRewards(new double[step.BatchSize]), needsFrames: true);

        Assert.Same(probe, GoalImageRewards.Default(model, TinyWorld.Frame(4), () => probe));
        Assert.Equal(GoalImageRewards.Probe, GoalImageRewards.DefaultName(probeAvailable: true));
    }

    [Fact]
    public void The_goal_image_planning_model_plans_with_the_multi_scale_reward_and_the_start_frames_palette()
    {
        using var model = TinyWorld.Model();
        using var env = TinyWorld.Env();
        var (start, info) = env.Reset(seed: 3);
        using var planning = GoalImageRewards.PlanningModel(model, (_, _) => env.Draw(env.SolvedState(env.State)),
            imagination: new ImaginationOptions(rollout: new RolloutOptions(sampling: TinyWorld.FastSampling)));

        planning.Begin(start, info);
        var scores = planning.Score([["wait", "wait"], ["wait", "wait"]]);

        Assert.IsType<MultiScaleGoalReward>(planning.Reward);
        Assert.NotNull(planning.Imagination.Rollout.Palette);
        Assert.All(scores.Returns, r => Assert.True(double.IsFinite(r) && r < 0));
        Assert.Equal(scores.Returns[0], scores.Returns[1], 9);
    }

    [Fact]
    public void Planners_refuse_a_nan_return_with_an_error_naming_it()
    {
        string[] candidates = ["a", "b"];

        var cem = Assert.Throws<InvalidOperationException>(() => new CemPlanner(new CemConfig(horizon: 2, population: 4, iterations: 1)).Plan(new NaNModel(), candidates));
        var random = Assert.Throws<InvalidOperationException>(() => new RandomShootingPlanner(new RandomShootingConfig(2, 4, 0)).Plan(new NaNModel(), candidates));

        Assert.Contains("reward returned NaN", cem.Message);
        Assert.Contains("sequence 1", cem.Message);
        Assert.Contains("reward returned NaN", random.Message);
    }
}
