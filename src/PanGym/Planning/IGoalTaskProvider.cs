namespace PanGym.Planning;

/// <summary>
/// An environment that provides its own goal tasks: <c>pangym plan</c> and <c>GroundTruthRegistry.GoalTasksFor</c> find
/// them on the environment (beneath its wrappers) without a registration.
/// </summary>
public interface IGoalTaskProvider
{
    /// <summary>The goal tasks over this environment, which the source then owns and disposes.</summary>
    IGoalTaskSource CreateGoalTasks();
}
