using static TorchSharp.torch;

namespace PanGym.WorldModel;

/// <summary>
/// Samples one next frame from a <see cref="FlowMatchingDecoder"/>: starting from pure noise at τ = 0, K Euler or Heun
/// steps along the predicted velocity reach the frame at τ = 1, conditioned on the previous frame (noise-augmented to
/// τ_ctx = 1 − context noise, as in training) and the latent state ŝ_{t+1}. Deterministic for a seeded generator.
/// </summary>
public sealed class FlowSampler
{
    private readonly FlowMatchingDecoder _decoder;
    private readonly double _contextNoise;

    /// <summary>A sampler over <paramref name="decoder"/>; <paramref name="options"/> defaults to 16 Euler steps.</summary>
    public FlowSampler(FlowMatchingDecoder decoder, FlowSamplingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        _decoder = decoder;
        Options = options ?? new FlowSamplingOptions();
        _contextNoise = Options.ContextNoiseFor(decoder.Config);
    }

    /// <summary>Steps, solver and context noise.</summary>
    public FlowSamplingOptions Options { get; }

    /// <summary>The next frame o_{t+1}, [B, 3, H, W] in model pixels [−1, 1].</summary>
    /// <param name="contextFrame">The previous frame o_t, [B, 3, H, W] in model pixels.</param>
    /// <param name="latent">The latent state ŝ_{t+1}, [B, N, D].</param>
    /// <param name="generator">Source of the initial noise and the context augmentation; null for torch's default.</param>
    public Tensor Sample(Tensor contextFrame, Tensor latent, Generator? generator = null)
    {
        _decoder.CheckFrame(contextFrame, nameof(contextFrame));
        var batch = contextFrame.shape[0];
        _decoder.CheckLatent(latent, batch, nameof(latent));
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var (context, contextTau) = FlowPath.AugmentContext(contextFrame, _contextNoise, generator);
        var latents = latent.unsqueeze(1);
        Tensor Velocity(Tensor chunks, Tensor tau) => _decoder.VelocityAfterContext(context, contextTau, chunks, tau, latents);

        var steps = Options.Steps;
        // At temperature 0 the flow starts from the prior's mean; no noise is drawn, so the generator is left as it was.
        var frame = Options.Temperature == 0
            ? zeros([batch, 1, .. contextFrame.shape[1..]], device: contextFrame.device)
            : randn([batch, 1, .. contextFrame.shape[1..]], device: contextFrame.device, generator: generator).mul_(Options.Temperature);
        for (int i = 0; i < steps; i++)
        {
            using var stepScope = NewDisposeScope();
            var tau = full([batch, 1], (double)i / steps, ScalarType.Float32, contextFrame.device);
            var next = FlowPath.Step(Velocity, frame, tau, 1.0 / steps, Options.Solver).MoveToOuterDisposeScope();
            frame.Dispose();
            frame = next;
        }
        return (contextFrame + frame.squeeze(1)).clamp(-1, 1).MoveToOuterDisposeScope();
    }
}
