using PanGym.Gym;

namespace PanGym.Evaluation;

/// <summary>
/// One held-out episode of a ground-truth environment, as the evaluation compares a world model with it: the frames
/// o_0 … o_T, the text actions a_0 … a_{T−1}, and the true object positions and expected displacements in the
/// coordinates the environment's <see cref="IStateProbe"/> reports, so that predicted frames can be scored by what their
/// probe finds.
/// </summary>
public sealed record GroundTruthEpisode
{
    /// <summary>An episode; the lists must agree in length (T + 1 frames and positions, T actions and displacements).</summary>
    /// <param name="seed">The environment's reset seed.</param>
    /// <param name="frames">o_0 … o_T, all of one size.</param>
    /// <param name="actions">a_0 … a_{T−1}; a_t takes o_t to o_{t+1}.</param>
    /// <param name="positions">Per frame, every object present: its true position (pixels), keyed by the probe's names.</param>
    /// <param name="displacements">Per action, every object: how far the action moves it (pixels; (0, 0) for the still ones).</param>
    /// <param name="infos">Per frame, the environment's info of the reset and of each step (a ground-truth environment's holds its
    /// true state under <c>"state"</c>); null when not recorded.</param>
    public GroundTruthEpisode(int seed, IReadOnlyList<Image> frames, IReadOnlyList<string> actions,
        IReadOnlyList<IReadOnlyDictionary<string, (double X, double Y)>> positions,
        IReadOnlyList<IReadOnlyDictionary<string, (double Dx, double Dy)>> displacements,
        IReadOnlyList<IReadOnlyDictionary<string, object?>>? infos = null)
    {
        ArgumentNullException.ThrowIfNull(frames);
        ArgumentNullException.ThrowIfNull(actions);
        ArgumentNullException.ThrowIfNull(positions);
        ArgumentNullException.ThrowIfNull(displacements);
        if (actions.Count == 0) throw new ArgumentException("An episode needs at least one action.", nameof(actions));
        if (frames.Count != actions.Count + 1)
            throw new ArgumentException($"An episode of {actions.Count} actions needs {actions.Count + 1} frames; got {frames.Count}.", nameof(frames));
        if (positions.Count != frames.Count)
            throw new ArgumentException($"An episode of {frames.Count} frames needs {frames.Count} sets of positions; got {positions.Count}.", nameof(positions));
        if (displacements.Count != actions.Count)
            throw new ArgumentException($"An episode of {actions.Count} actions needs {actions.Count} sets of displacements; got {displacements.Count}.", nameof(displacements));
        if (infos is not null && infos.Count != frames.Count)
            throw new ArgumentException($"An episode of {frames.Count} frames needs {frames.Count} infos; got {infos.Count}.", nameof(infos));
        foreach (var frame in frames) frame.EnsureSize(frames[0].Height, frames[0].Width, "episode frame");
        (Seed, Frames, Actions, Positions, Displacements, Infos) = (seed, frames, actions, positions, displacements, infos);
    }

    /// <summary>The environment's reset seed.</summary>
    public int Seed { get; }

    /// <summary>o_0 … o_T.</summary>
    public IReadOnlyList<Image> Frames { get; }

    /// <summary>a_0 … a_{T−1}.</summary>
    public IReadOnlyList<string> Actions { get; }

    /// <summary>Per frame, the true position of every object present.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, (double X, double Y)>> Positions { get; }

    /// <summary>Per action, how far it moves each object (the environment's expected displacement).</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, (double Dx, double Dy)>> Displacements { get; }

    /// <summary>Per frame, the info of the reset (index 0) and of the step that led to it; null when not recorded.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, object?>>? Infos { get; }

    /// <summary>T, the number of actions.</summary>
    public int Steps => Actions.Count;
}
