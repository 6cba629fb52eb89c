using PanGym.WorldModel;

namespace PanGym.Imagination;

/// <summary>
/// How the <see cref="ImaginationEngine"/> imagines: the closed loop, how frames are decoded, and the history window the
/// dynamics reads. Validated once, here.
/// </summary>
public sealed record RolloutOptions
{
    /// <summary>Creates options.</summary>
    /// <param name="closedLoop">What enters the history after each step; default <see cref="ClosedLoop.Reencode"/> (PAN §5).</param>
    /// <param name="sampling">How frames are decoded; default <see cref="DefaultSampling"/>. The closed loop needs step-by-step
    /// decoding (it re-encodes each frame as it is decoded); Causal Swin-DPM, which emits frames a window late, is for open-loop videos.</param>
    /// <param name="history">The history window; null for the one the model was trained to read (<see cref="HistoryWindow.For"/>).</param>
    /// <param name="palette">The flat colours of the world, onto which each decoded frame is snapped before it is re-encoded and
    /// decoded from (<see cref="ColourPalette"/>); null: decoded frames are used as they come.</param>
    /// <exception cref="ArgumentException">The closed loop with Swin-DPM decoding.</exception>
    public RolloutOptions(ClosedLoop closedLoop = ClosedLoop.Reencode, FlowSamplingOptions? sampling = null, HistoryWindow? history = null,
        ColourPalette? palette = null)
    {
        if (!Enum.IsDefined(closedLoop)) throw new ArgumentOutOfRangeException(nameof(closedLoop), closedLoop, "Unknown closed-loop mode.");
        Sampling = sampling ?? DefaultSampling;
        if (closedLoop != ClosedLoop.Off && Sampling.Decoding != VideoDecoding.StepByStep)
            throw new ArgumentException(
                "The closed loop re-encodes each frame as it is decoded, so it needs step-by-step decoding; Causal Swin-DPM emits frames a window late. " +
                "Use ClosedLoop.Off for Swin-DPM videos.", nameof(sampling));
        ClosedLoop = closedLoop;
        History = history;
        Palette = palette;
    }

    /// <summary>16 deterministic Euler steps (temperature 0): the most likely frame, what scoring and planning want.</summary>
    public static FlowSamplingOptions DefaultSampling { get; } = new(steps: 16, temperature: 0);

    /// <summary>The closed loop, step-by-step decoding with <see cref="DefaultSampling"/>, the model's own window.</summary>
    public static RolloutOptions Default { get; } = new();

    /// <summary>What enters the history after each step.</summary>
    public ClosedLoop ClosedLoop { get; }

    /// <summary>How frames are decoded.</summary>
    public FlowSamplingOptions Sampling { get; }

    /// <summary>The palette decoded frames are snapped to; null for none.</summary>
    public ColourPalette? Palette { get; }

    /// <summary>The history window; null for the model's own.</summary>
    public HistoryWindow? History { get; }

    /// <summary>The window a history of <paramref name="model"/> gets: <see cref="History"/>, or the one it was trained to read.</summary>
    public HistoryWindow WindowFor(PanWorldModel model) => History ?? HistoryWindow.For(model.Config.Dynamics);
}
