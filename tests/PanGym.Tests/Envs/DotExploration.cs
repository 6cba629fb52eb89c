using PanGym.Data;
using PanGym.Gym;

namespace PanGym.Tests.Envs;

/// <summary>Pushes at random, waiting a fifth of the time.</summary>
public sealed class DotExploration : IExplorationPolicy
{
    public string Name => "dot-exploration";

    public void BeginEpisode() { }

    public string Act(Image observation, IReadOnlyDictionary<string, object?> info, Random random) =>
        random.NextDouble() < 0.2 ? "wait" : DotAction.Candidates[random.Next(4)];
}
