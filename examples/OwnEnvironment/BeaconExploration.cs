using PanGym.Data;
using PanGym.Envs;
using PanGym.Gym;

namespace OwnEnvironment;

/// <summary>
/// Records the training episodes: random moves, a tenth of them waits, and a third of the steps a move towards the goal, so
/// that the data also holds the steps a planner will take. Deterministic given the generator it is handed.
/// </summary>
public sealed class BeaconExploration : IExplorationPolicy
{
    /// <inheritdoc />
    public string Name => "beacon-exploration";

    /// <inheritdoc />
    public void BeginEpisode() { }

    /// <inheritdoc />
    public string Act(Image observation, IReadOnlyDictionary<string, object?> info, Random random)
    {
        double draw = random.NextDouble();
        if (draw < 0.1) return "wait";
        if (draw < 0.43 && info["state"] is BeaconState state)
        {
            double dx = state.Goal.X + state.Goal.Size / 2.0 - (state.X + BeaconWorld.BeaconSize / 2.0);
            double dy = state.Goal.Y + state.Goal.Size / 2.0 - (state.Y + BeaconWorld.BeaconSize / 2.0);
            return Math.Abs(dx) >= Math.Abs(dy) ? (dx < 0 ? "move left" : "move right") : (dy < 0 ? "move up" : "move down");
        }
        return BeaconAction.Candidates[random.Next(4)];
    }
}
