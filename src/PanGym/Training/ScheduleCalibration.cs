using System.Diagnostics;

namespace PanGym.Training;

/// <summary>
/// Under a time budget, estimates the schedule's length from this session's pace: first after
/// <see cref="TrainingConfig.CalibrationSteps"/> timed steps (not counting the first one it sees, which pays one-time
/// costs), or fewer when timing them has taken a twentieth of the budget, then again every
/// <see cref="RecalibrationInterval"/> steps, so that a slow start (a busy machine, warm-up costs) does not leave the
/// rest of the budget at the floor learning rate. Each estimate is the steps the rest of the budget holds at the mean
/// cost so far (plus each step's share of validation until the clock has seen one), capped by the step count when there is one.
/// </summary>
internal sealed class ScheduleCalibration
{
    /// <summary>Steps between re-estimates once calibrated.</summary>
    public const int RecalibrationInterval = 50;

    readonly Stopwatch _clock = new();
    long _startStep = -1;
    bool _calibrated;

    /// <summary>Called after each step; a new estimate of the schedule's length when one is due, else null.</summary>
    public long? Observe(long step, TimeSpan elapsed, TrainingConfig config, double validationSeconds)
    {
        if (config.Budget is not TimeSpan budget) return null;
        if (_startStep < 0)
        {
            _startStep = step;
            _clock.Restart();
            return null;
        }
        long timed = step - _startStep;
        bool due = _calibrated
            ? timed % RecalibrationInterval == 0
            : timed >= config.CalibrationSteps || _clock.Elapsed >= budget / 20;
        if (!due) return null;
        _calibrated = true;
        double validationShare = timed < config.ValidateEvery ? validationSeconds / config.ValidateEvery : 0;
        double secondsPerStep = _clock.Elapsed.TotalSeconds / timed + validationShare;
        double left = Math.Max(0, (budget - elapsed).TotalSeconds);
        long estimate = step + (long)Math.Floor(left / Math.Max(secondsPerStep, 1e-9));
        return Math.Max(step, Math.Min(estimate, config.MaxSteps ?? long.MaxValue));
    }
}
