using PanGym.Data;
using PanGym.Evaluation;

namespace PanGym.Envs;

/// <summary>What <see cref="GroundTruthRegistry"/> needs of a <see cref="GroundTruthEnv{TState, TAction}"/> without knowing its type arguments.</summary>
internal interface ISimulatedEnvironment
{
    /// <summary>A <see cref="GroundTruthSimulator{TState, TAction}"/> over this environment, which it then owns.</summary>
    IGroundTruthSimulator CreateSimulator(IExplorationPolicy policy, string name, bool hasHiddenState);
}
