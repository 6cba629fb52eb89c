using PanGym.Evaluation;
using PanGym.Imagination;
using PanGym.WorldModel;

namespace PanGym.Experiments;

/// <summary>
/// What an <see cref="EvaluationRun"/> measures (<c>pangym eval</c>'s settings): which checkpoint, on which held-out
/// episodes (<see cref="EvaluationConfig"/>), decoded how, with or without PAN's closed loop (§5). Validated once, at construction.
/// </summary>
public sealed record EvaluationRunOptions
{
    /// <summary>Options.</summary>
    /// <param name="checkpoint">A world-model checkpoint folder, or a training output folder (its <c>checkpoint/model</c>).</param>
    /// <param name="config">Episodes, horizon, seeds and tolerances (default <see cref="EvaluationConfig.Default"/>).</param>
    /// <param name="sampling">The decoder's solver steps and temperature (default <see cref="RolloutOptions.DefaultSampling"/>).</param>
    /// <param name="closedLoop">What enters the history after an imagined step.</param>
    /// <param name="compareOpenLoop">With the closed loop on: also roll out without it, to show its drift beside the model's.</param>
    /// <param name="palette">Snap imagined frames to the flat colours of the episodes' first frames (<see cref="ColourPalette.FromFrames"/>; a
    /// world with more than <see cref="ColourPalette.MaxColours"/> colours gets none).</param>
    public EvaluationRunOptions(string checkpoint, EvaluationConfig? config = null, FlowSamplingOptions? sampling = null,
        ClosedLoop closedLoop = ClosedLoop.Reencode, bool compareOpenLoop = true, bool palette = true)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(checkpoint);
        if (!Enum.IsDefined(closedLoop)) throw new ArgumentOutOfRangeException(nameof(closedLoop), closedLoop, "Unknown closed-loop mode.");
        (Checkpoint, Config, Sampling, ClosedLoop, CompareOpenLoop) =
            (checkpoint, config ?? EvaluationConfig.Default, sampling ?? RolloutOptions.DefaultSampling, closedLoop, compareOpenLoop);
        Palette = palette;
    }

    /// <summary>The checkpoint folder or training output folder, as given.</summary>
    public string Checkpoint { get; }

    /// <summary>Episodes, horizon, seeds and tolerances.</summary>
    public EvaluationConfig Config { get; }

    /// <summary>The decoder's solver steps and temperature.</summary>
    public FlowSamplingOptions Sampling { get; }

    /// <summary>What enters the history after an imagined step.</summary>
    public ClosedLoop ClosedLoop { get; }

    /// <summary>Whether imagined frames are snapped to the world's flat colours, where it has few.</summary>
    public bool Palette { get; }

    /// <summary>Whether an open-loop rollout is measured beside a closed-loop one.</summary>
    public bool CompareOpenLoop { get; }
}
