using PanGym.Evaluation;

namespace PanGym.Planning;

/// <summary>A policy's runs over a set of seeded goal tasks, with the success rate's Wilson interval and decision times.</summary>
/// <param name="Runs">One run per task, in seed order.</param>
public sealed record GoalTaskResult(IReadOnlyList<GoalTaskRun> Runs)
{
    /// <summary>Tasks solved within the step budget.</summary>
    public int Solved => Runs.Count(r => r.Solved);

    /// <summary>The success rate with its 95 % Wilson interval.</summary>
    public Estimate Success => Estimate.OfProportion(Solved, Runs.Count);

    /// <summary>Mean steps of the solved tasks; null when none was solved.</summary>
    public double? MeanStepsWhenSolved => Solved == 0 ? null : Runs.Where(r => r.Solved).Average(r => r.Steps);

    /// <summary>Mean over tasks of each task's mean decision time, in seconds.</summary>
    public double MeanDecisionSeconds => Runs.Average(r => r.MeanDecisionSeconds);

    /// <summary>The slowest decision over all tasks, in seconds.</summary>
    public double MaxDecisionSeconds => Runs.Max(r => r.MaxDecisionSeconds);
}
