using PanGym.Envs;
using PanGym.Tests.Imagination;

namespace PanGym.Tests.Envs;

public sealed class ShapesWorldLatentProbeTests
{
    [Fact]
    public void Fitting_is_seeded_and_reports_a_finite_held_out_error_in_pixels()
    {
        using var model = TinyWorld.Model(seed: 1);
        var config = ShapesWorldConfig.ForSize(model.Config.ImageSize);

        using var first = ShapesWorldLatentProbe.Fit(model, config, samples: 120);
        using var second = ShapesWorldLatentProbe.Fit(model, config, samples: 120);

        Assert.True(double.IsFinite(first.HeldOutRmse) && first.HeldOutRmse > 0, $"held-out RMSE {first.HeldOutRmse}");
        Assert.True(first.HeldOutRmse < config.Size, $"held-out RMSE {first.HeldOutRmse} px is beyond the canvas");
        Assert.Equal(first.HeldOutRmse, second.HeldOutRmse);
    }

    [Fact]
    public void A_goal_reward_needs_the_tasks_state()
    {
        using var model = TinyWorld.Model(seed: 1);
        using var probe = ShapesWorldLatentProbe.Fit(model, ShapesWorldConfig.ForSize(model.Config.ImageSize), samples: 60);
        var error = Assert.Throws<ArgumentException>(() => probe.GoalReward(new Dictionary<string, object?>()));
        Assert.Contains("state", error.Message);
    }
}
