namespace PanGym.Envs;

/// <summary>
/// The reward scheme shared by the ground-truth environments: <see cref="Success"/> on the step that brings the target
/// into the goal region (the episode then terminates), <see cref="StepPenalty"/> on every other step, so shorter
/// solutions score higher.
/// </summary>
public static class GoalReward
{
    /// <summary>Reward for the step that reaches the goal.</summary>
    public const double Success = 1.0;

    /// <summary>Reward for every step that does not reach the goal.</summary>
    public const double StepPenalty = -0.01;

    /// <summary>The reward for a step whose outcome is <paramref name="reachedGoal"/>.</summary>
    public static double For(bool reachedGoal) => reachedGoal ? Success : StepPenalty;
}
