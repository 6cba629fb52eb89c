namespace PanGym.Planning;

/// <summary>What one planning decision found and what it cost.</summary>
/// <param name="Actions">The best action sequence found (its first action is the one to execute).</param>
/// <param name="Return">That sequence's return under the model.</param>
/// <param name="SequencesScored">Sequences the model scored, over all iterations.</param>
/// <param name="ComputedSteps">Model steps actually computed for them.</param>
/// <param name="Elapsed">Wall-clock time of the decision.</param>
public sealed record PlanResult(IReadOnlyList<string> Actions, double Return, int SequencesScored, int ComputedSteps, TimeSpan Elapsed);
