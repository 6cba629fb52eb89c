using PanGym.Gym;

namespace PanGym.Data;

/// <summary>
/// A seeded behaviour policy that collects world-model data: it chooses actions whose effects the model must learn,
/// rather than solving the task (though some goal-reaching behaviour helps, so that such transitions exist).
/// <see cref="EpisodeGenerator"/> calls <see cref="BeginEpisode"/> after each reset and <see cref="Act"/> before each step.
/// </summary>
public interface IExplorationPolicy
{
    /// <summary>A short name recorded in the data set's metadata, for example "shapesworld-exploration".</summary>
    string Name { get; }

    /// <summary>Forgets what the policy remembered of the previous episode (runs, modes).</summary>
    void BeginEpisode();

    /// <summary>The next action text, from the latest observation and info (ground-truth environments put their state in <c>info["state"]</c>).</summary>
    /// <param name="observation">The current frame.</param>
    /// <param name="info">The info of the latest reset or step.</param>
    /// <param name="random">The episode's generator: every random choice comes from it, so a seed fixes the episode.</param>
    string Act(Image observation, IReadOnlyDictionary<string, object?> info, Random random);
}
