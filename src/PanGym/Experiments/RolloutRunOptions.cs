using PanGym.Imagination;
using PanGym.WorldModel;

namespace PanGym.Experiments;

/// <summary>
/// What a <see cref="RolloutRun"/> imagines (<c>pangym rollout</c>'s settings): a checkpoint, the text actions, the start
/// (a PNG file, or an environment's seeded reset) and the decoder's sampling. Validated once, at construction.
/// </summary>
public sealed record RolloutRunOptions
{
    /// <summary>Options.</summary>
    /// <param name="checkpoint">A world-model checkpoint folder, or a training output folder.</param>
    /// <param name="actions">The text actions, at least one.</param>
    /// <param name="seed">The decoder's noise seed, and with an environment start its reset seed.</param>
    /// <param name="sampling">The decoder's solver steps and temperature (default <see cref="RolloutOptions.DefaultSampling"/>).</param>
    /// <param name="startFrame">A PNG of the model's frame size to start from; null starts from the environment given to <see cref="RolloutRun.Run"/>.</param>
    /// <param name="besideTruth">Put the environment's true video on the left of the imagined one (needs an environment start).</param>
    /// <param name="palette">Snap imagined frames to the start frame's flat colours (<see cref="ColourPalette.FromFrames"/>; none for natural images).</param>
    public RolloutRunOptions(string checkpoint, IReadOnlyList<string> actions, int seed = 0, FlowSamplingOptions? sampling = null,
        string? startFrame = null, bool besideTruth = false, bool palette = true)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(checkpoint);
        ArgumentNullException.ThrowIfNull(actions);
        if (actions.Count == 0) throw new ArgumentException("Give at least one action to imagine.", nameof(actions));
        if (actions.Any(string.IsNullOrWhiteSpace)) throw new ArgumentException("An action is empty.", nameof(actions));
        if (besideTruth && startFrame is not null) throw new ArgumentException("Only an environment start has a true video to show beside the imagined one.", nameof(besideTruth));
        (Checkpoint, Actions, Seed, Sampling, StartFrame, BesideTruth) = (checkpoint, [.. actions], seed, sampling ?? RolloutOptions.DefaultSampling, startFrame, besideTruth);
        Palette = palette;
    }

    /// <summary>Whether imagined frames are snapped to the start frame's flat colours, where it has few.</summary>
    public bool Palette { get; }

    /// <summary>The checkpoint folder or training output folder, as given.</summary>
    public string Checkpoint { get; }

    /// <summary>The text actions, in order.</summary>
    public IReadOnlyList<string> Actions { get; }

    /// <summary>The decoder's noise seed (and the environment's reset seed).</summary>
    public int Seed { get; }

    /// <summary>The decoder's solver steps and temperature.</summary>
    public FlowSamplingOptions Sampling { get; }

    /// <summary>The PNG start frame, or null for an environment start.</summary>
    public string? StartFrame { get; }

    /// <summary>Whether the video shows the truth on the left.</summary>
    public bool BesideTruth { get; }
}
