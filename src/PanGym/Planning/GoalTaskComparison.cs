using System.Globalization;

namespace PanGym.Planning;

/// <summary>Several controllers run on the same seeded goal tasks in the real environment (<see cref="GoalTaskEvaluation.Compare"/>).</summary>
/// <param name="Environment">The task source's name.</param>
/// <param name="Seeds">The tasks' reset seeds.</param>
/// <param name="MaxSteps">The step budget of a task.</param>
/// <param name="Rows">One row per controller, in the order given.</param>
public sealed record GoalTaskComparison(string Environment, IReadOnlyList<int> Seeds, int MaxSteps, IReadOnlyList<GoalTaskRow> Rows)
{
    /// <summary>The row of <paramref name="controller"/>.</summary>
    /// <exception cref="KeyNotFoundException">No row has that name.</exception>
    public GoalTaskResult this[string controller] => Rows.FirstOrDefault(r => r.Controller == controller)?.Result
        ?? throw new KeyNotFoundException($"No controller named \"{controller}\"; the rows are {string.Join(", ", Rows.Select(r => $"\"{r.Controller}\""))}.");

    /// <summary>The success table as plain text: solved, success with its 95 % Wilson interval, mean steps when solved, seconds per decision.</summary>
    public string ToText()
    {
        var culture = CultureInfo.InvariantCulture;
        int width = Math.Max(10, Rows.Max(r => r.Controller.Length));
        var lines = new List<string>
        {
            $"{Environment}: {Seeds.Count} goal tasks, success within {MaxSteps} steps, executed in the real environment",
            $"{"controller".PadRight(width)}  solved  success  95% interval  steps  s/decision",
        };
        foreach (var (name, result) in Rows)
        {
            var success = result.Success;
            lines.Add(string.Create(culture, $"{name.PadRight(width)}  {$"{result.Solved}/{result.Runs.Count}",6}  {success.Mean * 100,6:F0}%  {$"{success.Lower * 100:F0}–{success.Upper * 100:F0}%",12}  {(result.MeanStepsWhenSolved is double steps ? steps.ToString("F1", culture) : "-"),5}  {result.MeanDecisionSeconds,10:F3}"));
        }
        return string.Join(System.Environment.NewLine, lines);
    }
}
