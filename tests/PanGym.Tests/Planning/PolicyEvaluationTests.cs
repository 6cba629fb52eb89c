using PanGym.Envs;
using PanGym.Imagination;
using PanGym.Planning;
using PanGym.Tests.Imagination;

namespace PanGym.Tests.Planning;

public sealed class PolicyEvaluationTests
{
    [Fact]
    public void The_gap_interval_is_students_t_over_the_per_start_gaps()
    {
        var episodes = new[] { 1.0, 2.0, 3.0 }.Select((gap, i) => new EpisodeComparison(i, gap, 0, 5, 5, false, false)).ToArray();

        var result = PolicyEvaluation.Summarise(episodes);

        Assert.Equal(2.0, result.MeanGap, 12);
        // t(0.975, 2) = 4.302653, s = 1, n = 3.
        Assert.Equal(2.0 - 4.302653 / Math.Sqrt(3), result.GapLower, 5);
        Assert.Equal(2.0 + 4.302653 / Math.Sqrt(3), result.GapUpper, 5);
        Assert.True(result.GapCoversZero);
        Assert.True(double.IsNaN(PolicyEvaluation.Summarise(episodes[..1]).GapLower));
    }

    [Fact]
    public void A_policy_runs_in_imagination_and_for_real_from_the_same_start_states()
    {
        using var model = TinyWorld.Model(seed: 4);
        using var imagined = new PanEnv(model, TinyWorld.Options());
        using var real = new ShapesWorld(ShapesWorldConfig.Small);
        var policy = new RandomTextPolicy(ShapesWorldAction.Candidates, seed: 1);

        var result = PolicyEvaluation.Run(policy, imagined, real, [3, 4, 5], maxSteps: 4, rewardFor: (_, info) => ShapesWorldGoalTasks.ProbeReward(real, info));

        Assert.Equal([3, 4, 5], result.Episodes.Select(e => e.Seed));
        Assert.All(result.Episodes, e => Assert.InRange(e.RealSteps, 1, 4));
        Assert.All(result.Episodes, e => Assert.Equal(e.ImaginedReturn - e.RealReturn, e.Gap, 12));
        Assert.Equal(result.Episodes.Average(e => e.RealReturn), result.MeanRealReturn, 12);
        Assert.InRange(result.MeanGap, result.GapLower, result.GapUpper);
        Assert.Contains("at least one seed", Assert.Throws<ArgumentException>(() => PolicyEvaluation.Run(policy, imagined, real, [], 4)).Message);
    }
}
