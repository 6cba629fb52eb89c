using PanGym.Training;

namespace PanGym.Tests.Training;

public sealed class ScheduleCalibrationTests
{
    /// <summary>README.md with its line breaks and indents read as single spaces.</summary>
    static readonly string s_readme = System.Text.RegularExpressions.Regex.Replace(File.ReadAllText(Path.Combine(FindRoot(), "README.md")), @"\s+", " ");

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "PanGym.sln"))) return dir.FullName;
        throw new InvalidOperationException("PanGym.sln not found above the test binaries.");
    }

    [Fact]
    public void A_time_budget_is_estimated_after_the_calibration_steps_then_again_every_interval_as_README_says()
    {
        var config = new TrainingConfig(budget: TimeSpan.FromHours(1), calibrationSteps: 10);
        var calibration = new ScheduleCalibration();
        var due = Enumerable.Range(0, 151).Where(step => calibration.Observe(step, TimeSpan.FromSeconds(step), config, 0) is not null).ToArray();

        Assert.Equal([10, ScheduleCalibration.RecalibrationInterval, 2 * ScheduleCalibration.RecalibrationInterval, 3 * ScheduleCalibration.RecalibrationInterval], due);
        Assert.Contains($"re-estimated every {ScheduleCalibration.RecalibrationInterval} steps", s_readme);
        Assert.DoesNotContain("then fixed", s_readme);
    }

    [Fact]
    public void A_step_count_alone_is_never_re_estimated()
    {
        var config = new TrainingConfig(maxSteps: 300);
        var calibration = new ScheduleCalibration();
        Assert.All(Enumerable.Range(0, 301), step => Assert.Null(calibration.Observe(step, TimeSpan.FromSeconds(step), config, 0)));
    }

    [Fact]
    public void With_both_budgets_each_estimate_is_capped_by_the_step_count()
    {
        var config = new TrainingConfig(maxSteps: 40, budget: TimeSpan.FromHours(1), calibrationSteps: 10);
        var calibration = new ScheduleCalibration();
        long? estimate = null;
        for (int step = 0; step <= 10; step++) estimate = calibration.Observe(step, TimeSpan.FromSeconds(step), config, 0) ?? estimate;
        Assert.Equal(40, estimate);
    }
}
