namespace PanGym.WorldModel;

/// <summary>
/// How frames are sampled from a <see cref="FlowMatchingDecoder"/>: K solver steps per frame, the solver, the noise
/// augmentation of the conditioning frame, and for videos the decoding mode and the Swin-DPM window. Validated once in
/// the constructor.
/// </summary>
public sealed record FlowSamplingOptions
{
    /// <summary>Creates sampling options.</summary>
    /// <param name="steps">K: solver steps that take one frame from noise (τ = 0) to clean (τ = 1).</param>
    /// <param name="solver">Euler or Heun.</param>
    /// <param name="contextNoise">1 − τ_ctx of the conditioning frame at inference, in [0, 1]; null for half the
    /// decoder's training <see cref="FlowMatchingDecoderConfig.ConditionNoise"/> (the middle of the range it saw).</param>
    /// <param name="decoding">Step-by-step or Causal Swin-DPM decoding of a video.</param>
    /// <param name="temperature">Scale of the starting noise; 0 for deterministic decoding (see <see cref="Temperature"/>).</param>
    /// <param name="windowSize">W: chunks in the Swin-DPM window; <paramref name="steps"/> must be a multiple of it when
    /// <paramref name="decoding"/> is <see cref="VideoDecoding.SwinDpm"/> (each tick makes K / W steps).</param>
    public FlowSamplingOptions(
        int steps = 16,
        FlowSolver solver = FlowSolver.Euler,
        double? contextNoise = null,
        VideoDecoding decoding = VideoDecoding.StepByStep,
        int windowSize = 4,
        double temperature = 1.0)
    {
        if (!(temperature >= 0)) throw new ArgumentException($"temperature ({temperature}) must be non-negative.", nameof(temperature));
        if (steps <= 0) throw new ArgumentException($"steps must be positive, got {steps}.", nameof(steps));
        if (!Enum.IsDefined(solver)) throw new ArgumentException($"Unknown solver {solver}.", nameof(solver));
        if (contextNoise is { } noise && !(noise >= 0.0 && noise <= 1.0))
            throw new ArgumentException($"contextNoise ({noise}) must lie in [0, 1].", nameof(contextNoise));
        if (!Enum.IsDefined(decoding)) throw new ArgumentException($"Unknown decoding {decoding}.", nameof(decoding));
        if (windowSize <= 0) throw new ArgumentException($"windowSize must be positive, got {windowSize}.", nameof(windowSize));
        if (decoding == VideoDecoding.SwinDpm && steps % windowSize != 0)
            throw new ArgumentException(
                $"Swin-DPM needs steps ({steps}) to be a multiple of windowSize ({windowSize}): each tick makes steps / windowSize solver steps.",
                nameof(steps));
        Steps = steps;
        Solver = solver;
        ContextNoise = contextNoise;
        Decoding = decoding;
        WindowSize = windowSize;
        Temperature = temperature;
    }

    /// <summary>
    /// Scale of the starting noise x0 (Glow's sampling temperature): 1 samples the learned distribution; 0 follows the
    /// flow from the prior's mean, a deterministic, most-likely frame, which is what scoring a deterministic simulator and
    /// planning want.
    /// </summary>
    public double Temperature { get; }

    /// <summary>K: solver steps that take one frame from noise to clean.</summary>
    public int Steps { get; }

    /// <summary>The ODE solver.</summary>
    public FlowSolver Solver { get; }

    /// <summary>1 − τ_ctx of the conditioning frame at inference; null for half the decoder's training level.</summary>
    public double? ContextNoise { get; }

    /// <summary>Step-by-step or Causal Swin-DPM decoding of a video.</summary>
    public VideoDecoding Decoding { get; }

    /// <summary>W: chunks in the Swin-DPM window.</summary>
    public int WindowSize { get; }

    /// <summary>m = K / W: solver steps per Swin-DPM tick.</summary>
    public int StepsPerTick => Steps / WindowSize;

    /// <summary>The conditioning-frame noise level to use with <paramref name="config"/>.</summary>
    public double ContextNoiseFor(FlowMatchingDecoderConfig config) => ContextNoise ?? config.ConditionNoise / 2;
}
