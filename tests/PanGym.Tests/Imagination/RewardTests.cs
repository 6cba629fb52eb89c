using PanGym.Envs;
using PanGym.Imagination;
using static TorchSharp.torch;

namespace PanGym.Tests.Imagination;

public sealed class RewardTests
{
    [Fact]
    public void Latent_goal_reward_is_minus_the_mean_squared_distance_and_terminates_within_the_success_distance()
    {
        using var goal = new LatentGoalReward(zeros(2, 3), successDistance: 0.5, successReward: 7);
        using var latents = stack([full(2, 3, 2.0), full(2, 3, 0.5)]);

        var rewards = goal.Evaluate(new ImaginedStep(latents, null, ["a", "b"], 0));

        Assert.Equal([-4.0, 7.0], rewards.Rewards);
        Assert.Equal([false, true], rewards.Terminated);
        Assert.False(goal.NeedsFrames);
        Assert.Contains("[B, 2, 3]", Assert.Throws<ArgumentException>(() => goal.Evaluate(new ImaginedStep(zeros(1, 4, 3), null, ["a"], 0))).Message);
    }

    [Fact]
    public void Pixel_goal_reward_reads_decoded_frames()
    {
        using var model = TinyWorld.Model();
        var target = TinyWorld.Frame(4);
        using var goal = PixelGoalReward.FromImage(model, target, successError: 1e-6, successReward: 1);
        using var frames = cat([model.ToModelPixels([target]), model.ToModelPixels([TinyWorld.Frame(5)])]);

        var rewards = goal.Evaluate(new ImaginedStep(zeros(2, 8, 32), frames, ["a", "b"], 0));

        Assert.True(goal.NeedsFrames);
        Assert.Equal(1.0, rewards.Rewards[0]);
        Assert.True(rewards.Rewards[1] < 0);
        Assert.Equal([true, false], rewards.Terminated);
        Assert.Contains("decoded frames", Assert.Throws<ArgumentException>(() => goal.Evaluate(new ImaginedStep(zeros(1, 8, 32), null, ["a"], 0))).Message);
    }

    [Fact]
    public void Probe_goal_reward_reproduces_the_ground_truth_reward_on_true_frames()
    {
        using var model = TinyWorld.Model();
        using var env = TinyWorld.Env();
        var (start, info) = env.Reset(seed: 7);
        var goal = new ProbeGoalReward(env.StateProbe, objects => objects.Any(o => o.Name == env.State.Target.DisplayName()
            && env.State.Goal.Contains(o.X + env.Config.ShapeSize / 2.0, o.Y + env.Config.ShapeSize / 2.0)));
        var solved = env.Draw(env.SolvedState(env.State));
        using var frames = model.ToModelPixels([start, solved]);

        var rewards = goal.Evaluate(new ImaginedStep(zeros(2, 8, 32), frames, ["a", "b"], 0));

        Assert.Equal([GoalReward.StepPenalty, GoalReward.Success], rewards.Rewards);
        Assert.Equal([false, true], rewards.Terminated);
        Assert.True(env.IsSuccess(env.SolvedState(env.State)));
        Assert.Equal(0.0, env.GoalDistance(env.SolvedState(env.State)), 6);
    }

    [Fact]
    public void Reward_results_are_checked()
    {
        Assert.Contains("2 rewards but 1 termination", Assert.Throws<ArgumentException>(() => new StepRewards([1, 2], [true])).Message);
        Assert.Contains("finite", Assert.Throws<ArgumentException>(() => new StepRewards([double.NaN])).Message);
        var wrongCount = new DelegateReward(_ => new StepRewards([1, 2, 3]));
        Assert.Contains("3 rewards for a batch of 1", Assert.Throws<InvalidOperationException>(() => wrongCount.Evaluate(new ImaginedStep(zeros(1, 8, 32), null, ["a"], 0))).Message);
    }

    [Fact]
    public void A_latent_linear_probe_recovers_a_linear_read_out()
    {
        manual_seed(3);
        using var scope = NewDisposeScope();
        var latents = randn(200, 4, 5);
        var weights = randn(20, 2);
        var targets = latents.flatten(1).matmul(weights) + 3;
        using var probe = LatentLinearProbe.Fit(latents.narrow(0, 0, 150), targets.narrow(0, 0, 150), ridge: 1e-6);
        Assert.True(probe.Rmse(latents.narrow(0, 150, 50), targets.narrow(0, 150, 50)) < 1e-2);
        Assert.Equal([7, 2], probe.Predict(randn(7, 4, 5)).shape);
        Assert.Contains("[B, 4, 5]", Assert.Throws<ArgumentException>(() => probe.Predict(randn(1, 5, 4))).Message);
    }
}
