using PanGym.Training;

namespace PanGym.Tests.Training;

public sealed class TrainingConfigTests
{
    [Theory]
    [InlineData(0L)]
    [InlineData(-5L)]
    public void A_step_budget_of_zero_or_less_is_refused(long steps)
    {
        var error = Assert.Throws<ArgumentException>(() => new TrainingConfig(maxSteps: steps));
        Assert.Contains("budget of zero", error.Message);
        Assert.Contains(steps.ToString(), error.Message);
    }

    [Fact]
    public void A_time_budget_of_zero_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new TrainingConfig(budget: TimeSpan.Zero));
        Assert.Contains("budget of zero", error.Message);
    }

    [Fact]
    public void No_budget_at_all_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new TrainingConfig());
        Assert.Contains("No training budget", error.Message);
    }

    [Fact]
    public void Out_of_range_values_are_refused_by_name()
    {
        Assert.Equal("batchSize", Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingConfig(maxSteps: 1, batchSize: 0)).ParamName);
        Assert.Equal("learningRate", Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingConfig(maxSteps: 1, learningRate: -1)).ParamName);
        Assert.Equal("selfForcingFraction", Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingConfig(maxSteps: 1, selfForcingFraction: 1.5)).ParamName);
        Assert.Equal("beta2", Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingConfig(maxSteps: 1, beta2: 1)).ParamName);
    }

    [Fact]
    public void Json_round_trips()
    {
        var config = new TrainingConfig(maxSteps: 300, budget: TimeSpan.FromMinutes(7.5), batchSize: 3, windowSteps: 5, learningRate: 2e-3,
            warmupSteps: 7, seed: 11, selfForcingFraction: 0.25, logEvery: 2);
        var json = config.ToJson();
        Assert.Contains("\"self_forcing_fraction\": 0.25", json);
        Assert.Equal(config, TrainingConfig.FromJson(json));
    }

    [Fact]
    public void Invalid_json_names_its_source()
    {
        var json = new TrainingConfig(maxSteps: 3).ToJson().Replace("\"max_steps\": 3", "\"max_steps\": 0");
        var error = Assert.Throws<InvalidInputException>(() => TrainingConfig.FromJson(json, "trainer.json"));
        Assert.StartsWith("trainer.json:", error.Message);
        Assert.Contains("budget of zero", error.Message);
    }
}
