using PanGym.Cli.Commands;
using PanGym.Imagination;
using PanGym.Planning;

namespace PanGym.Tests.Imagination;

public sealed class ImaginationOptionsTests
{
    [Fact]
    public void A_planners_default_imagination_decodes_one_deterministic_step_as_README_and_the_plan_command_do()
    {
        var sampling = ImaginationOptions.Default.Rollout.Sampling;
        Assert.Equal((1, 0.0), (sampling.Steps, sampling.Temperature));
        Assert.Equal(sampling.Steps, PlanCommand.DefaultRewardDecodeSteps);
        Assert.Same(ImaginationOptions.DefaultRollout, new ImaginationOptions(discount: 0.9).Rollout);

        using var model = PanGym.WorldModel.PanWorldModel.Create(PanGym.WorldModel.WorldModelConfig.Tiny, seed: 0);
        using var planning = new WorldModelPlanningModel(model, new DelegateReward(step => new StepRewards(new double[step.BatchSize])));
        Assert.Equal(1, planning.Imagination.Rollout.Sampling.Steps);
    }
}
