using static TorchSharp.torch;

namespace PanGym.WorldModel;

/// <summary>
/// Plain autoregressive video decoding, the baseline to Causal Swin-DPM: each pushed latent state is sampled at once
/// into a frame by a <see cref="FlowSampler"/> (K steps from pure noise), conditioned on the previous emitted frame.
/// Nothing is ever pending.
/// </summary>
public sealed class StepByStepVideoSampler : IVideoSampler
{
    private readonly FlowMatchingDecoder _decoder;
    private readonly FlowSampler _sampler;
    private Generator? _generator;
    private Tensor? _context;

    /// <summary>A step-by-step sampler over <paramref name="decoder"/>; <paramref name="options"/> defaults to 16 Euler steps.</summary>
    public StepByStepVideoSampler(FlowMatchingDecoder decoder, FlowSamplingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        _decoder = decoder;
        _sampler = new FlowSampler(decoder, options);
    }

    /// <summary>Steps, solver and context noise.</summary>
    public FlowSamplingOptions Options => _sampler.Options;

    /// <inheritdoc />
    public int Pending => 0;

    /// <inheritdoc />
    public void Reset(Tensor contextFrame, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(contextFrame);
        _decoder.CheckFrame(contextFrame, nameof(contextFrame));
        _generator = generator;
        ReplaceContext(contextFrame.detach().clone());
    }

    /// <inheritdoc />
    public Tensor? Push(Tensor latent)
    {
        ArgumentNullException.ThrowIfNull(latent);
        var context = _context ?? throw new InvalidOperationException("Call Reset with a context frame before pushing latent states.");
        var frame = _sampler.Sample(context, latent, _generator);
        ReplaceContext(frame.clone());
        return frame;
    }

    /// <inheritdoc />
    public IReadOnlyList<Tensor> Flush() => [];

    /// <summary>Frees the context frame.</summary>
    public void Dispose()
    {
        _context?.Dispose();
        _context = null;
    }

    private void ReplaceContext(Tensor frame)
    {
        _context?.Dispose();
        _context = frame.DetachFromDisposeScope();
    }
}
