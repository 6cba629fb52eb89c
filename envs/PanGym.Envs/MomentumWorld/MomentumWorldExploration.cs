using System.Globalization;
using PanGym.Data;
using PanGym.Gym;

namespace PanGym.Envs;

/// <summary>
/// MomentumWorld's data-collection policy: runs of pushes in one random direction alternate with runs of waits. During
/// a wait run the ball coasts on the velocity the pushes gave it (slowed by friction, reflected by walls), so the data
/// holds many steps whose motion no single frame explains: exactly what makes a world model's history necessary.
/// </summary>
/// <param name="config">The runs (default <see cref="MomentumWorldExplorationConfig.Default"/>).</param>
public sealed class MomentumWorldExploration(MomentumWorldExplorationConfig? config = null) : IExplorationPolicy
{
    static readonly Direction[] _pushes = [Direction.Left, Direction.Right, Direction.Up, Direction.Down];

    MomentumWorldAction _run = MomentumWorldAction.Wait;
    int _remaining;

    /// <summary>The runs.</summary>
    public MomentumWorldExplorationConfig Config { get; } = config ?? MomentumWorldExplorationConfig.Default;

    /// <summary>"momentumworld-exploration" with the run settings.</summary>
    public string Name => string.Create(CultureInfo.InvariantCulture,
        $"momentumworld-exploration(push-run={Config.PushRunProbability}, max-push={Config.MaxPushRun}, max-wait={Config.MaxWaitRun})");

    /// <summary>Ends the current run, so the episode starts with a fresh one.</summary>
    public void BeginEpisode() => _remaining = 0;

    /// <summary>The current run's action; when the run is over, draws the next run (push or wait, and its length).</summary>
    public string Act(Image observation, IReadOnlyDictionary<string, object?> info, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (_remaining == 0)
        {
            bool push = random.NextDouble() < Config.PushRunProbability;
            _run = push ? new MomentumWorldAction(_pushes[random.Next(_pushes.Length)]) : MomentumWorldAction.Wait;
            _remaining = random.Next(1, (push ? Config.MaxPushRun : Config.MaxWaitRun) + 1);
        }
        _remaining--;
        return _run.ToString();
    }
}
