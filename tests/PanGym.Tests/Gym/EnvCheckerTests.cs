using PanGym.Gym.Checking;

namespace PanGym.Tests.Gym;

public class EnvCheckerTests
{
    static EnvCheckReport CheckLineWorld(LineWorld.Fault fault) => EnvChecker.Check(new LineWorld(fault));

    [Fact]
    public void A_correct_environment_passes_every_check()
    {
        var report = CheckLineWorld(LineWorld.Fault.None);
        Assert.True(report.Passed, report.ToString());
        Assert.Contains("close", report.ChecksRun);
        Assert.True(report.ChecksRun.Count >= 9);
    }

    [Fact]
    public void The_checker_closes_the_environment_unless_told_to_leave_it_open()
    {
        var closed = new LineWorld();
        Assert.True(EnvChecker.Check(closed).Passed);
        Assert.True(closed.IsClosed);

        var kept = new LineWorld();
        var report = EnvChecker.Check(kept, leaveOpen: true);
        Assert.True(report.Passed, report.ToString());
        Assert.DoesNotContain("close", report.ChecksRun);
        Assert.False(kept.IsClosed);
        kept.Reset(0);
        kept.Step(1);
    }

    [Theory]
    [InlineData(LineWorld.Fault.ObservationOutsideSpace, "reset-result", "outside ObservationSpace")]
    [InlineData(LineWorld.Fault.UnseededReset, "reset-seed-determinism", "different observations")]
    [InlineData(LineWorld.Fault.NanReward, "step-result", "non-finite reward")]
    [InlineData(LineWorld.Fault.NullInfo, "step-result", "null info")]
    [InlineData(LineWorld.Fault.NullRender, "render", "must return an RGB frame")]
    [InlineData(LineWorld.Fault.IgnoresSeed, "reset-seed-variation", "the seed is ignored")]
    public void Each_kind_of_broken_environment_is_caught_with_its_own_message(LineWorld.Fault fault, string check, string message)
    {
        var report = CheckLineWorld(fault);
        Assert.False(report.Passed);
        var failure = Assert.Single(report.Failures, f => f.Check == check);
        Assert.Contains(message, failure.Message);
        Assert.Contains(check, report.ToString());
        Assert.Throws<InvalidOperationException>(report.ThrowIfFailed);
    }

    [Fact]
    public void Every_failure_is_reported_not_just_the_first()
    {
        var report = CheckLineWorld(LineWorld.Fault.ObservationOutsideSpace);
        Assert.Contains(report.Failures, f => f.Check == "reset-result");
        Assert.Contains(report.Failures, f => f.Check == "step-result");
        Assert.Contains(report.Failures, f => f.Check == "reset-options");
    }
}
