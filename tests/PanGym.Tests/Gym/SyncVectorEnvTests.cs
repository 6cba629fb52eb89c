using PanGym.Gym.Vector;

namespace PanGym.Tests.Gym;

public class SyncVectorEnvTests
{
    [Fact]
    public void Reset_seeds_each_sub_environment_with_seed_plus_index()
    {
        using var vec = new SyncVectorEnv<float[], int>(Enumerable.Range(0, 3).Select(_ => (Func<LineWorld>)(() => new LineWorld())));
        var (obs, infos) = vec.Reset(seed: 10);
        Assert.Equal(3, obs.Length);
        Assert.Equal(3, infos.Length);
        for (int i = 0; i < 3; i++)
        {
            using var single = new LineWorld();
            Assert.Equal(single.Reset(10 + i).Observation, obs[i]);
        }
    }

    [Fact]
    public void Next_step_autoreset_returns_the_reset_observation_one_step_after_the_end()
    {
        using var vec = new SyncVectorEnv<float[], int>([() => new LineWorld(), () => new LineWorld()]);
        vec.Reset(seed: 0, new Dictionary<string, object?> { ["start"] = LineWorld.Length - 2 });

        var end = vec.Step([1, 0]);
        Assert.Equal([true, false], end.Terminations);
        Assert.Equal(1.0, end.Rewards[0]);
        Assert.Equal(LineWorld.Length - 1, end.Observations[0][0]);

        var reset = vec.Step([1, 0]);
        Assert.Equal([false, false], reset.Terminations);
        Assert.Equal([false, false], reset.Truncations);
        Assert.Equal(0.0, reset.Rewards[0]);
        var sub = (LineWorld)vec.Envs[0];
        Assert.Equal(sub.Position, reset.Observations[0][0]);
        Assert.NotEqual(LineWorld.Length - 1, sub.Position);
        Assert.Equal(LineWorld.Length - 4, reset.Observations[1][0]);
    }

    [Fact]
    public void Step_refuses_a_wrong_number_of_actions()
    {
        using var vec = new SyncVectorEnv<float[], int>([() => new LineWorld(), () => new LineWorld()]);
        vec.Reset(seed: 0);
        Assert.Contains("(2), got 3", Assert.Throws<ArgumentException>(() => vec.Step([0, 1, 1])).Message);
    }
}
