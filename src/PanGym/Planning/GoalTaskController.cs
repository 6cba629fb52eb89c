namespace PanGym.Planning;

/// <summary>A named policy of a goal-task comparison (a row of <c>pangym plan</c>'s success table).</summary>
/// <param name="Name">The row's name, for example "cem + true simulator".</param>
/// <param name="MakePolicy">Makes the policy; it is called once per comparison and the policy is reset before each task.</param>
public sealed record GoalTaskController(string Name, Func<ITextPolicy> MakePolicy);
