namespace PanGym.Planning;

/// <summary>A planner over text actions: searches sequences of candidate actions for the one with the highest return under a model.</summary>
public interface IPlanner
{
    /// <summary>The best action sequence found from the model's current state, over <paramref name="candidates"/>.</summary>
    /// <exception cref="ArgumentException">The candidate list is empty.</exception>
    PlanResult Plan(IPlanningModel model, IReadOnlyList<string> candidates);

    /// <summary>Forgets what earlier plans carry over (a warm start); call it at the start of each episode.</summary>
    void Reset();
}
