using PanGym.Training;

namespace PanGym.Tests.Training;

public sealed class LearningRateScheduleTests
{
    [Fact]
    public void Warm_up_rises_linearly_to_the_peak()
    {
        var schedule = new LearningRateSchedule(1e-3, 0.1, warmupSteps: 9, totalSteps: 109);
        Assert.Equal(1e-4, schedule.At(0), 12);
        Assert.Equal(5e-4, schedule.At(4), 12);
        Assert.Equal(1e-3, schedule.At(9), 12);
        for (int step = 1; step < 10; step++) Assert.True(schedule.At(step) > schedule.At(step - 1));
    }

    [Fact]
    public void Cosine_decays_from_the_peak_to_the_floor_and_stays_there()
    {
        var schedule = new LearningRateSchedule(1e-3, 0.1, warmupSteps: 10, totalSteps: 110);
        Assert.Equal(1e-3, schedule.At(10), 12);
        Assert.Equal((1e-3 + 1e-4) / 2, schedule.At(60), 12);
        Assert.Equal(1e-4 + 0.5 * (1 + Math.Cos(Math.PI * 0.25)) * 9e-4, schedule.At(35), 12);
        Assert.Equal(1e-4, schedule.At(110), 12);
        Assert.Equal(1e-4, schedule.At(10_000), 12);
        for (long step = 11; step <= 110; step++) Assert.True(schedule.At(step) < schedule.At(step - 1));
    }

    [Fact]
    public void Unknown_length_holds_the_peak_after_warm_up()
    {
        var schedule = new LearningRateSchedule(2e-3, 0.1, warmupSteps: 3, totalSteps: null);
        Assert.Equal(0.5e-3, schedule.At(0), 12);
        Assert.Equal(2e-3, schedule.At(3), 12);
        Assert.Equal(2e-3, schedule.At(1_000_000), 12);
    }

    [Fact]
    public void Warm_up_longer_than_the_schedule_is_cut_to_it()
    {
        var schedule = new LearningRateSchedule(1e-3, 0.0, warmupSteps: 100, totalSteps: 4);
        Assert.Equal(4, schedule.WarmupSteps);
        Assert.Equal(1e-3 * 4 / 5, schedule.At(3), 12);
        Assert.Equal(0, schedule.At(4), 12);
    }

    [Fact]
    public void Bad_values_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LearningRateSchedule(0, 0.1, 1, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LearningRateSchedule(1e-3, 1.5, 1, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LearningRateSchedule(1e-3, 0.1, -1, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LearningRateSchedule(1e-3, 0.1, 1, 0));
    }
}
