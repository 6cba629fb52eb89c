using static TorchSharp.torch;

namespace PanGym.WorldModel;

/// <summary>
/// Causal Swin-DPM (PAN §3.3), streaming: a sliding window of W chunks at staggered noise levels is denoised together.
/// With m solver steps per tick and K = W·m steps per frame, the chunk at window position j (0 = oldest) starts a tick
/// at τ_j = (W − 1 − j) / W; a tick advances every chunk by 1/W in m steps, after which the oldest chunk is clean and
/// leaves the window as the next frame, and the next pushed latent state enters as a pure-noise chunk (τ = 0). The
/// network sees the sequence [context, window…] with chunk-causal attention, so a chunk reads only itself, earlier
/// chunks and the context: the last emitted frame, noise-augmented as in training. During warm-up the window fills
/// (the first frame leaves after W pushes); <see cref="Flush"/> ticks without new chunks until the window is empty,
/// so every pushed latent yields exactly one frame.
/// </summary>
public sealed class SwinDpmSampler : IVideoSampler
{
    private readonly FlowMatchingDecoder _decoder;
    private readonly double _contextNoise;
    private readonly List<WindowChunk> _window = [];
    private Generator? _generator;
    private Tensor? _context;
    private Tensor? _lastFrame;
    private Tensor? _contextTau;

    /// <summary>A Swin-DPM sampler over <paramref name="decoder"/>; <paramref name="options"/> defaults to W = 4, K = 16.</summary>
    public SwinDpmSampler(FlowMatchingDecoder decoder, FlowSamplingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        options ??= new FlowSamplingOptions(decoding: VideoDecoding.SwinDpm);
        if (options.WindowSize > decoder.Config.MaxWindow)
            throw new ArgumentException(
                $"windowSize ({options.WindowSize}) exceeds what the decoder takes: MaxChunks ({decoder.Config.MaxChunks}) − 1 context chunk = {decoder.Config.MaxWindow}.",
                nameof(options));
        if (options.Steps % options.WindowSize != 0)
            throw new ArgumentException(
                $"Swin-DPM needs steps ({options.Steps}) to be a multiple of windowSize ({options.WindowSize}).", nameof(options));
        _decoder = decoder;
        Options = options;
        _contextNoise = options.ContextNoiseFor(decoder.Config);
    }

    /// <summary>Steps per frame K, window W, solver and context noise.</summary>
    public FlowSamplingOptions Options { get; }

    /// <summary>W: chunks in the window.</summary>
    public int WindowSize => Options.WindowSize;

    /// <summary>m = K / W: solver steps per tick.</summary>
    public int StepsPerTick => Options.StepsPerTick;

    /// <inheritdoc />
    public int Pending => _window.Count;

    /// <summary>The flow times of the chunks now in the window, oldest first (each chunk's ticks done / W).</summary>
    public IReadOnlyList<double> NoiseLevels => _window.Select(chunk => (double)chunk.Age / WindowSize).ToArray();

    /// <summary>The flow times of a full window at the start of a tick, oldest first: τ_j = (W − 1 − j) / W.</summary>
    public static IReadOnlyList<double> WindowNoiseLevels(int windowSize)
    {
        if (windowSize <= 0) throw new ArgumentException($"windowSize must be positive, got {windowSize}.", nameof(windowSize));
        return Enumerable.Range(0, windowSize).Select(j => (double)(windowSize - 1 - j) / windowSize).ToArray();
    }

    /// <summary>
    /// The whole schedule of a video of <paramref name="frameCount"/> frames: frame i enters at tick i (at τ = 0), has
    /// τ = (t − i) / W at the start of tick t, and leaves clean at the end of tick i + W − 1; there are
    /// <paramref name="frameCount"/> + W − 1 ticks, the last W − 1 of them the flush.
    /// </summary>
    public static IReadOnlyList<SwinDpmTick> Schedule(int windowSize, int frameCount)
    {
        if (windowSize <= 0) throw new ArgumentException($"windowSize must be positive, got {windowSize}.", nameof(windowSize));
        if (frameCount < 0) throw new ArgumentException($"frameCount must not be negative, got {frameCount}.", nameof(frameCount));
        var tickCount = frameCount == 0 ? 0 : frameCount + windowSize - 1;
        return Enumerable.Range(0, tickCount).Select(tick =>
        {
            var first = Math.Max(0, tick - windowSize + 1);
            var last = Math.Min(tick, frameCount - 1);
            var chunks = Enumerable.Range(first, last - first + 1).ToArray();
            var levels = chunks.Select(chunk => (double)(tick - chunk) / windowSize).ToArray();
            int? emitted = tick - windowSize + 1 >= 0 ? tick - windowSize + 1 : null;
            return new SwinDpmTick(tick, chunks, levels, emitted);
        }).ToArray();
    }

    /// <inheritdoc />
    public void Reset(Tensor contextFrame, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(contextFrame);
        _decoder.CheckFrame(contextFrame, nameof(contextFrame));
        ClearWindow();
        _generator = generator;
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        SetContext(contextFrame.detach().clone());
    }

    /// <inheritdoc />
    public Tensor? Push(Tensor latent)
    {
        ArgumentNullException.ThrowIfNull(latent);
        var context = _context ?? throw new InvalidOperationException("Call Reset with a context frame before pushing latent states.");
        _decoder.CheckLatent(latent, context.shape[0], nameof(latent));
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var noise = randn(context.shape, device: context.device, generator: _generator).mul_(Options.Temperature);
        _window.Add(new WindowChunk(noise.DetachFromDisposeScope(), latent.detach().clone().DetachFromDisposeScope()));
        Tick();
        return _window[0].Age == WindowSize ? EmitOldest().MoveToOuterDisposeScope() : null;
    }

    /// <inheritdoc />
    public IReadOnlyList<Tensor> Flush()
    {
        using var noGrad = no_grad();
        var frames = new List<Tensor>();
        while (_window.Count > 0)
        {
            using var scope = NewDisposeScope();
            Tick();
            if (_window[0].Age == WindowSize) frames.Add(EmitOldest().MoveToOuterDisposeScope());
        }
        return frames;
    }

    /// <summary>Frees the window and the context.</summary>
    public void Dispose()
    {
        ClearWindow();
        _context?.Dispose();
        _contextTau?.Dispose();
        _lastFrame?.Dispose();
        _context = null;
        _contextTau = null;
        _lastFrame = null;
    }

    /// <summary>Advances every chunk in the window by 1/W of flow time in m solver steps.</summary>
    private void Tick()
    {
        using var scope = NewDisposeScope();
        var (context, contextTau) = (_context!, _contextTau!);
        var latents = stack(_window.Select(chunk => chunk.Latent).ToArray(), dim: 1);
        Tensor Velocity(Tensor chunks, Tensor tau) => _decoder.VelocityAfterContext(context, contextTau, chunks, tau, latents);

        var frames = stack(_window.Select(chunk => chunk.Frame).ToArray(), dim: 1);
        int stepsPerTick = StepsPerTick, stepsPerFrame = Options.Steps;
        for (int step = 0; step < stepsPerTick; step++)
        {
            using var stepScope = NewDisposeScope();
            var levels = _window.Select(chunk => (float)((double)(chunk.Age * stepsPerTick + step) / stepsPerFrame)).ToArray();
            var tau = tensor(levels, device: context.device).unsqueeze(0).expand(context.shape[0], -1);
            var next = FlowPath.Step(Velocity, frames, tau, 1.0 / stepsPerFrame, Options.Solver).MoveToOuterDisposeScope();
            frames.Dispose();
            frames = next;
        }
        for (int i = 0; i < _window.Count; i++)
            _window[i].Advance(frames.select(1, i).clone().DetachFromDisposeScope());
    }

    /// <summary>
    /// Removes the oldest (clean) chunk, adds its change onto the last finished frame, makes the result the new context
    /// and returns it clamped to [−1, 1].
    /// </summary>
    private Tensor EmitOldest()
    {
        var oldest = _window[0];
        _window.RemoveAt(0);
        var frame = (_lastFrame! + oldest.Frame).clamp(-1, 1);
        oldest.Dispose();
        SetContext(frame);
        return frame;
    }

    /// <summary>Keeps <paramref name="cleanFrame"/> as the last finished frame and a noise-augmented copy as the context chunk.</summary>
    private void SetContext(Tensor cleanFrame)
    {
        _lastFrame?.Dispose();
        _lastFrame = cleanFrame.clone().DetachFromDisposeScope();
        var (context, contextTau) = FlowPath.AugmentContext(cleanFrame, _contextNoise, _generator);
        _context?.Dispose();
        _contextTau?.Dispose();
        _context = context.DetachFromDisposeScope();
        _contextTau = contextTau.DetachFromDisposeScope();
    }

    private void ClearWindow()
    {
        foreach (var chunk in _window) chunk.Dispose();
        _window.Clear();
    }

    /// <summary>A frame being denoised in the window, with its latent state and the ticks it has been through.</summary>
    private sealed class WindowChunk(Tensor frame, Tensor latent) : IDisposable
    {
        public Tensor Frame { get; private set; } = frame;

        public Tensor Latent { get; } = latent;

        public int Age { get; private set; }

        public void Advance(Tensor frame)
        {
            Frame.Dispose();
            Frame = frame;
            Age++;
        }

        public void Dispose()
        {
            Frame.Dispose();
            Latent.Dispose();
        }
    }
}
