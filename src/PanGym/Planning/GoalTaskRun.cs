namespace PanGym.Planning;

/// <summary>One goal task executed by a policy in the real environment (see <see cref="GoalTaskEvaluation"/>).</summary>
/// <param name="Seed">The environment's reset seed, which fixes the task.</param>
/// <param name="Solved">Whether the episode terminated (reached the goal) within the step budget.</param>
/// <param name="Steps">Actions taken.</param>
/// <param name="MeanDecisionSeconds">Mean wall time of the policy's decisions.</param>
/// <param name="MaxDecisionSeconds">Slowest decision (the first one pays one-time setup).</param>
public sealed record GoalTaskRun(int Seed, bool Solved, int Steps, double MeanDecisionSeconds, double MaxDecisionSeconds);
