using PanGym.Envs;

namespace PanGym.Tests.Envs;

public class ShapesWorldExpertTests
{
    [Theory]
    [InlineData(64)]
    [InlineData(32)]
    public void Expert_reaches_the_goal_on_seeded_tasks_by_shortest_paths(int size)
    {
        using var env = new ShapesWorld(ShapesWorldConfig.ForSize(size, 1, 3));
        var expert = new ShapesWorldExpert(env);
        int solved = 0, shortest = 0;
        for (int seed = 0; seed < 50; seed++)
        {
            env.Reset(seed);
            var start = env.Centre(env.State.Find(env.State.Target)!);
            var goal = env.State.Goal;
            int lowerBound = MovesToRegion(start.X, goal.X, goal.Size, env.Config.StepPixels) + MovesToRegion(start.Y, goal.Y, goal.Size, env.Config.StepPixels);
            int steps = 0;
            while (!env.IsSuccess(env.State) && steps < 50)
            {
                env.Step(expert.Act(env.State));
                steps++;
            }
            if (env.IsSuccess(env.State))
            {
                solved++;
                Assert.True(steps >= lowerBound, $"seed {seed}: {steps} steps beat the Manhattan bound {lowerBound}");
                if (steps == lowerBound) shortest++;
            }
        }
        Assert.True(solved >= 48, $"the expert solved {solved} of 50 tasks");
        Assert.True(shortest >= 40, $"only {shortest} of {solved} solutions met the obstacle-free bound");
        Assert.Equal("wait", expert.Act(env.State with { Goal = new GoalRegion(0, 0, size) }));
    }

    /// <summary>Moves of <paramref name="step"/> pixels that bring coordinate <paramref name="p"/> into [lo, lo + size).</summary>
    static int MovesToRegion(double p, int lo, int size, int step) =>
        p < lo ? (int)Math.Ceiling((lo - p) / step) : p >= lo + size ? (int)Math.Ceiling((p - (lo + size) + 1e-9) / step) : 0;
}
