using PanGym.Gym;

namespace PanGym.Evaluation;

/// <summary>
/// A ground-truth environment as the evaluation sees it (PAN §7: a world model is measured against the simulator it
/// imitates): it records seeded episodes under its data-collection policy, replays given actions, and reads objects
/// back out of frames. The library defines it so that it can evaluate without knowing the environments; the
/// environments package implements it (<c>GroundTruthSimulators.For(env)</c>).
/// </summary>
public interface IGroundTruthSimulator : IDisposable
{
    /// <summary>The environment's name, for example <c>ShapesWorld-v0</c>.</summary>
    string Name { get; }

    /// <summary>Side of the square frames it renders, in pixels.</summary>
    int FrameSize { get; }

    /// <summary>Reads the objects out of a frame; positions in the coordinates of <see cref="GroundTruthEpisode.Positions"/>.</summary>
    IStateProbe Probe { get; }

    /// <summary>
    /// Whether a single frame hides part of the state (a velocity), so that predicting the next frame needs the history:
    /// the evaluation then also measures the model with its history cut to the last state.
    /// </summary>
    bool HasHiddenState { get; }

    /// <summary>
    /// Resets with <paramref name="seed"/> and takes <paramref name="steps"/> actions chosen by the environment's
    /// exploration policy (seeded by the episode's seed as the training data is), without stopping at the goal.
    /// </summary>
    GroundTruthEpisode Record(int seed, int steps);

    /// <summary>Resets with <paramref name="seed"/> and takes <paramref name="actions"/> in turn.</summary>
    /// <exception cref="ArgumentException">An action the environment does not understand (the message lists the candidates).</exception>
    GroundTruthEpisode Replay(int seed, IReadOnlyList<string> actions);
}
