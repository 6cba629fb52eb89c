using PanGym.Gym;

namespace PanGym.Planning;

/// <summary>
/// A policy over text actions for image-observation environments, real or imagined: it sees each observation and info
/// and answers with an action. Stateful policies (such as <see cref="MpcAgent"/>) learn what they did from the
/// observation that follows, so <see cref="Reset"/> marks the start of an episode.
/// </summary>
public interface ITextPolicy
{
    /// <summary>Starts a new episode: the next <see cref="Act"/> sees its first observation.</summary>
    void Reset();

    /// <summary>The action to take on seeing <paramref name="observation"/> (after the previous action, if any).</summary>
    string Act(Image observation, IReadOnlyDictionary<string, object?> info);
}
