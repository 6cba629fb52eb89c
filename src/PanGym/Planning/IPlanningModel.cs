using PanGym.Gym;

namespace PanGym.Planning;

/// <summary>
/// What a planner scores candidate plans with: a model that follows the real episode (<see cref="Begin"/>,
/// <see cref="Advance"/>) and imagines batches of action sequences from its current state, returning each one's return.
/// Two implementations: the world model (<see cref="WorldModelPlanningModel"/>, rollouts in latent space from branched
/// KV caches) and the true simulator (<see cref="SimulatorPlanningModel{TState}"/>, the ceiling a learned model can reach).
/// </summary>
public interface IPlanningModel
{
    /// <summary>Starts following an episode at its first observation and info.</summary>
    void Begin(Image observation, IReadOnlyDictionary<string, object?> info);

    /// <summary>Follows the real episode one step: <paramref name="action"/> was taken and led to <paramref name="observation"/>.</summary>
    void Advance(string action, Image observation, IReadOnlyDictionary<string, object?> info);

    /// <summary>The return of each action sequence (B lists of H actions) imagined from the current state.</summary>
    RolloutScores Score(IReadOnlyList<IReadOnlyList<string>> sequences);
}
