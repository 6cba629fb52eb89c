using PanGym.Data;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace PanGym.WorldModel;

/// <summary>
/// The decoder g of Generative Latent Prediction (PAN §3.3): a conditional flow-matching generator on the path
/// x_τ = (1 − τ)·x0 + τ·x1 (x0 ~ N(0, I) at τ = 0, the data x1 at τ = 1) whose data x1 is each frame's change from the
/// frame before it (<see cref="FrameChanges"/>). The network predicts the clean x1 itself and the velocity follows from
/// it, v = (x̂1 − x_τ) / (1 − τ) (x-prediction, as Li &amp; He 2025 argue for pixels: a low-dimensional target that
/// the network can regress at every noise level; predicting v, this decoder learned an action's effect ten times more
/// slowly on ShapesWorld). The network is a small DiT (Peebles &amp; Xie 2023) over a sequence of chunks, one per frame:
/// <list type="bullet">
/// <item>each chunk's frame is cut into patches that become tokens, plus a patch-position embedding (learned, starting
/// from DiT's 2-D sine-cosine table) and a learned chunk-position embedding;</item>
/// <item>beside its noisy patch, every token reads two pixel-aligned inputs by concatenation (as video diffusion models
/// feed their context frames): the 3×3 neighbourhood of patches of its previous frame, where whatever moves into the
/// patch comes from, and the <see cref="LatentRenderer"/>'s painting of the chunk's latent state ŝ, a coarse picture of
/// where things should be;</item>
/// <item>each chunk carries its own flow time τ and its own latent state ŝ (N × D); adaLN-zero modulation of every
/// block comes from a sinusoidal embedding of τ plus the mean of ŝ (the pooled-condition-plus-time vector of SD3,
/// Esser et al. 2024), and the chunk's patch tokens cross-attend to its own ŝ tokens (the conditioning of Wan2.1,
/// the decoder PAN builds on, and of PixArt-α);</item>
/// <item>self-attention is chunk-causal (<see cref="ChunkCausalMask"/>): a chunk sees itself and earlier chunks only,
/// which Causal Swin-DPM needs (PAN §3.3).</item>
/// </list>
/// Chunk 0 is the conditioning frame o_t (clean or lightly noise-augmented, τ near 1) with the learned
/// <see cref="ContextLatent"/> as its state; chunks 1… are the frames to generate. Training draws an independent τ per
/// chunk (diffusion forcing, Chen et al. 2024) so that the network knows the staggered noise levels of a Swin-DPM window.
/// </summary>
public sealed class FlowMatchingDecoder : nn.Module
{
    /// <summary>Frequencies in the sinusoidal flow-time embedding (as DiT's timestep embedder).</summary>
    private const int TimeFrequencies = 256;

    /// <summary>τ ∈ [0, 1] is scaled to the range of diffusion timesteps before the sinusoids.</summary>
    private const double TimeScale = 1000.0;

    /// <summary><see cref="TimeScale"/> as a Scalar that lives as long as the process (see <see cref="Gap"/>).</summary>
    private static readonly Scalar _timeScaleScalar = TimeScale.ToScalar();

    [ComponentName(Name = "patch_embed")]
    private readonly Linear _patchEmbed;

    [ComponentName(Name = "previous_embed")]
    private readonly Linear _previousEmbed;

    [ComponentName(Name = "hint_embed")]
    private readonly Linear _hintEmbed;

    [ComponentName(Name = "renderer")]
    private readonly LatentRenderer _renderer;

    [ComponentName(Name = "patch_position")]
    private readonly Parameter _patchPosition;

    [ComponentName(Name = "chunk_position")]
    private readonly Parameter _chunkPosition;

    [ComponentName(Name = "time_in")]
    private readonly Linear _timeIn;

    [ComponentName(Name = "time_out")]
    private readonly Linear _timeOut;

    [ComponentName(Name = "latent_pool")]
    private readonly Linear _latentPool;

    [ComponentName(Name = "latent_proj")]
    private readonly Linear _latentProj;

    [ComponentName(Name = "latent_position")]
    private readonly Parameter _latentPosition;

    [ComponentName(Name = "context_latent")]
    private readonly Parameter _contextLatent;

    [ComponentName(Name = "blocks")]
    private readonly ModuleList<DecoderBlock> _blocks;

    [ComponentName(Name = "final_norm")]
    private readonly LayerNorm _finalNorm;

    [ComponentName(Name = "final_ada_ln")]
    private readonly Linear _finalAdaLn;

    [ComponentName(Name = "final_proj")]
    private readonly Linear _finalProj;

    /// <summary>Builds a freshly initialised decoder (adaLN-zero: it starts out predicting "no change", x̂1 = 0).</summary>
    public FlowMatchingDecoder(FlowMatchingDecoderConfig config) : base(nameof(FlowMatchingDecoder))
    {
        ArgumentNullException.ThrowIfNull(config);
        Config = config;
        var width = config.Width;
        _patchEmbed = nn.Linear(config.PatchValues, width);
        _previousEmbed = nn.Linear(9 * config.PatchValues, width);
        _hintEmbed = nn.Linear(config.PatchValues, width);
        _renderer = new LatentRenderer(config.ImageSize, config.LatentTokens, config.LatentWidth, config.Channels);
        _patchPosition = new Parameter(SinCosPositions(config.PatchesPerSide, width));
        _chunkPosition = new Parameter(randn(config.MaxChunks, width) * 0.02);
        _timeIn = nn.Linear(TimeFrequencies, width);
        _timeOut = nn.Linear(width, width);
        _latentPool = nn.Linear(config.LatentWidth, width);
        _latentProj = nn.Linear(config.LatentWidth, width);
        _latentPosition = new Parameter(randn(config.LatentTokens, width) * 0.02);
        _contextLatent = new Parameter(randn(config.LatentTokens, config.LatentWidth) * 0.02);
        _blocks = new ModuleList<DecoderBlock>(Enumerable.Range(0, config.Depth).Select(_ => new DecoderBlock(config)).ToArray());
        _finalNorm = nn.LayerNorm(width, eps: 1e-6, elementwise_affine: false);
        _finalAdaLn = nn.Linear(width, 2 * width);
        _finalProj = nn.Linear(width, config.PatchValues);
        using (no_grad())
        {
            foreach (var zeroed in new[] { _finalAdaLn, _finalProj })
            {
                nn.init.zeros_(zeroed.weight);
                nn.init.zeros_(zeroed.bias!);
            }
        }
        RegisterComponents();
    }

    /// <summary>The sizes this decoder was built with.</summary>
    public FlowMatchingDecoderConfig Config { get; }

    /// <summary>The pixel head that paints a latent state; its painting of ŝ is the decoder's pixel-aligned hint.</summary>
    public LatentRenderer Renderer => _renderer;

    /// <summary>The learned latent state [N, D] that stands in for ŝ at the context chunk (chunk 0).</summary>
    public Tensor ContextLatent => _contextLatent;

    /// <summary>
    /// The velocity of every chunk, v̂ = (x̂1 − x_τ) / (1 − τ) from the network's <see cref="Clean"/> prediction: the
    /// direction along the path x1 − x0 that the samplers integrate.
    /// </summary>
    /// <param name="noisyChunks">Frames on the flow path, [B, C, 3, H, W] in model pixels; chunk 0 is the context.</param>
    /// <param name="tau">Flow time of each chunk, [B, C], 0 = pure noise, 1 = clean.</param>
    /// <param name="latents">The latent state of each chunk, [B, C, N, D].</param>
    /// <returns>The velocity [B, C, 3, H, W].</returns>
    public Tensor Velocity(Tensor noisyChunks, Tensor tau, Tensor latents)
        => VelocityTowards(Clean(noisyChunks, tau, latents), noisyChunks, tau);

    /// <summary>The smallest 1 − τ the velocity divides by (only a nearly clean context chunk comes that close).</summary>
    private static readonly Scalar _minimumGap = 1e-3.ToScalar();

    /// <summary>
    /// 1 − τ, at least <see cref="_minimumGap"/>, shaped [B, C, 1, 1, 1] to scale chunks. Built from tensors and a static
    /// scalar: TorchSharp 0.107 does not keep a temporary Scalar alive through the native call it is passed to, so a
    /// garbage collection at the wrong moment frees it mid-call (a rare crash, "Expected false to be true" from
    /// Scalar::toLong); hot paths avoid temporary scalars.
    /// </summary>
    private static Tensor Gap(Tensor tau) => (ones_like(tau) - tau).clamp_min(_minimumGap).reshape(tau.shape[0], tau.shape[1], 1, 1, 1);

    /// <summary>v = (x̂1 − x_τ) / (1 − τ): the velocity that takes <paramref name="noisy"/> to <paramref name="clean"/> by τ = 1; disposes <paramref name="clean"/>.</summary>
    private static Tensor VelocityTowards(Tensor clean, Tensor noisy, Tensor tau)
    {
        using var owned = clean;
        using var scope = NewDisposeScope();
        return ((clean - noisy) / Gap(tau)).MoveToOuterDisposeScope();
    }

    /// <summary>The network's prediction x̂1 of every chunk's clean change, [B, C, 3, H, W] (arguments as <see cref="Velocity"/>).</summary>
    public Tensor Clean(Tensor noisyChunks, Tensor tau, Tensor latents)
    {
        var (batch, chunks) = CheckChunks(noisyChunks, tau, latents, nameof(noisyChunks));
        using var scope = NewDisposeScope();
        var tokens = _patchEmbed.forward(Patchify(noisyChunks))
                     + _previousEmbed.forward(Neighbourhoods(PreviousFrames(noisyChunks)))
                     + _hintEmbed.forward(Patchify(_renderer.forward(latents)))
                     + _patchPosition
                     + _chunkPosition.narrow(0, 0, chunks).unsqueeze(1);
        var condition = _timeOut.forward(nn.functional.silu(_timeIn.forward(TimeEmbedding(tau))))
                        + _latentPool.forward(latents.mean([2]));
        var memory = _latentProj.forward(latents) + _latentPosition;
        var mask = ChunkCausalMask.Build((int)chunks, Config.TokensPerChunk, noisyChunks.device);
        foreach (var block in _blocks) tokens = block.Forward(tokens, condition, memory, mask);

        var finalModulation = _finalAdaLn.forward(nn.functional.silu(condition)).unsqueeze(2).chunk(2, dim: -1);
        var normalized = DecoderBlock.Modulate(_finalNorm.forward(tokens), finalModulation[0], finalModulation[1]);
        return Unpatchify(_finalProj.forward(normalized), batch, chunks).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The velocity of frame chunks that follow a context frame: chunk 0 of the network's sequence is
    /// <paramref name="contextFrame"/> at flow time <paramref name="contextTau"/> with <see cref="ContextLatent"/> as its
    /// state; the result leaves the context chunk out.
    /// </summary>
    /// <param name="contextFrame">The (noise-augmented) context frame [B, 3, H, W].</param>
    /// <param name="contextTau">Its flow time [B].</param>
    /// <param name="chunks">Frames on the flow path [B, C, 3, H, W].</param>
    /// <param name="tau">Their flow times [B, C].</param>
    /// <param name="latents">Their latent states [B, C, N, D].</param>
    /// <returns>The velocity of the frame chunks [B, C, 3, H, W].</returns>
    public Tensor VelocityAfterContext(Tensor contextFrame, Tensor contextTau, Tensor chunks, Tensor tau, Tensor latents)
        => VelocityTowards(CleanAfterContext(contextFrame, contextTau, chunks, tau, latents), chunks, tau);

    /// <summary>The clean x1 the network predicts for frame chunks that follow a context frame (see <see cref="VelocityAfterContext"/>).</summary>
    public Tensor CleanAfterContext(Tensor contextFrame, Tensor contextTau, Tensor chunks, Tensor tau, Tensor latents)
    {
        CheckFrame(contextFrame, nameof(contextFrame));
        var (batch, _) = CheckChunks(chunks, tau, latents, nameof(chunks));
        if (contextFrame.shape[0] != batch)
            throw new ArgumentException($"{nameof(contextFrame)} has batch {contextFrame.shape[0]}, {nameof(chunks)} has {batch}.", nameof(contextFrame));
        if (contextTau.dim() != 1 || contextTau.shape[0] != batch)
            throw new ArgumentException($"{nameof(contextTau)} must be [B] = [{batch}]; got {TensorShape.Format(contextTau.shape)}.", nameof(contextTau));
        using var scope = NewDisposeScope();
        var contextLatents = _contextLatent.unsqueeze(0).unsqueeze(0).expand(batch, 1, -1, -1);
        var velocity = Clean(
            cat([contextFrame.unsqueeze(1), chunks], dim: 1),
            cat([contextTau.unsqueeze(1), tau], dim: 1),
            cat([contextLatents, latents], dim: 1));
        return velocity.narrow(1, 1, velocity.shape[1] - 1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// PAN's flow-matching loss for a batch of frame sequences that follow a context frame: MSE between the predicted
    /// clean change x̂1 and the true one, on the target chunks only (the velocity loss weighted by (1 − τ)², which keeps
    /// the nearly clean end of the path from dominating the gradient's noise). Each target chunk gets its own τ (diffusion forcing), drawn
    /// logit-normal, τ = sigmoid(n) with n ~ N(0, 1), which puts more training on the middle of the path than a uniform
    /// draw (Esser et al. 2024 found it the best rectified-flow schedule; on this project's toy shift task it gains
    /// about 2 dB PSNR over uniform τ at equal steps) while still covering every level a Swin-DPM window uses; the
    /// context frame is noise-augmented to τ_ctx ~ U(1 − <see cref="FlowMatchingDecoderConfig.ConditionNoise"/>, 1),
    /// so that a rollout which feeds back its own imperfect frames does not compound its errors.
    /// </summary>
    /// <param name="targetFrames">The true next frames o_{t+1…t+C}, [B, C, 3, H, W] in model pixels.</param>
    /// <param name="latents">Their latent states ŝ_{t+1…t+C}, [B, C, N, D].</param>
    /// <param name="contextFrame">The frame o_t they follow, [B, 3, H, W] in model pixels.</param>
    /// <param name="generator">Source of the noise and flow times; null for torch's default generator.</param>
    /// <param name="shard">
    /// In data-parallel training, which rows of the global batch these are: the noise and flow times are drawn for the
    /// whole global batch and this process takes its rows (see <see cref="BatchShard"/>). Null: the batch is whole.
    /// </param>
    /// <returns>The scalar loss.</returns>
    public Tensor Loss(Tensor targetFrames, Tensor latents, Tensor contextFrame, Generator? generator = null, BatchShard? shard = null)
    {
        CheckChunkFrames(targetFrames, nameof(targetFrames));
        CheckFrame(contextFrame, nameof(contextFrame));
        long batch = targetFrames.shape[0], chunks = targetFrames.shape[1];
        if (contextFrame.shape[0] != batch)
            throw new ArgumentException($"{nameof(contextFrame)} has batch {contextFrame.shape[0]}, {nameof(targetFrames)} has {batch}.", nameof(contextFrame));
        if (chunks + 1 > Config.MaxChunks)
            throw new ArgumentException($"{nameof(targetFrames)} has {chunks} chunks; with the context chunk that exceeds MaxChunks ({Config.MaxChunks}).", nameof(targetFrames));

        using var scope = NewDisposeScope();
        var device = targetFrames.device;
        var changes = FrameChanges(targetFrames, contextFrame);
        var rows = shard ?? BatchShard.Whole((int)batch);
        var noise = rows.Normal(changes.shape, device, generator);
        var tau = sigmoid(rows.Normal([batch, chunks], device, generator));
        var noisyTargets = FlowPath.Interpolate(noise, changes, tau);

        var contextTau = 1.0 - Config.ConditionNoise * rows.Uniform([batch], device, generator);
        var contextNoise = rows.Normal(contextFrame.shape, device, generator);
        var noisyContext = FlowPath.Interpolate(contextNoise, contextFrame, contextTau);

        var predicted = CleanAfterContext(noisyContext, contextTau, noisyTargets, tau, latents);
        return nn.functional.mse_loss(predicted, changes).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// What the flow generates: each frame's change from the frame before it, o_{t+k} − o_{t+k−1}, [B, C, 3, H, W] in
    /// [−2, 2]. In a world of mostly static pixels the change is mostly exact zeros, which the flow learns to hit
    /// exactly (v = −x_τ / (1 − τ)), so nothing that did not move is blurred or noised; the samplers add the change
    /// back onto the last finished frame.
    /// </summary>
    public static Tensor FrameChanges(Tensor frames, Tensor contextFrame)
    {
        var previous = cat([contextFrame.unsqueeze(1), frames.narrow(1, 0, frames.shape[1] - 1)], 1);
        return frames - previous;
    }

    /// <summary>
    /// The frame each chunk follows, as far as the sequence tells it: the context frame plus the (noisy) changes of the
    /// chunks before, an exclusive running sum over chunks (zeros for the context chunk itself). Every patch token gets
    /// the same patch of its previous frame as a second input, so a token sees what was at its place one frame earlier
    /// without first having to learn to find it by attention (conditioning by concatenation, as video diffusion models
    /// feed their context frames). It reads only earlier chunks, so the chunk-causal structure holds.
    /// </summary>
    private static Tensor PreviousFrames(Tensor chunks)
    {
        var running = chunks.cumsum(1);
        return cat([zeros_like(running.narrow(1, 0, 1)), running.narrow(1, 0, running.shape[1] - 1)], 1);
    }

    /// <summary>[B, C, ch, H, W] → [B, C, T, ch·P·P], patches in row-major order.</summary>
    private Tensor Patchify(Tensor frames)
    {
        long batch = frames.shape[0], chunks = frames.shape[1];
        int side = Config.PatchesPerSide, patch = Config.PatchSize;
        return frames.reshape(batch, chunks, Config.Channels, side, patch, side, patch)
            .permute(0, 1, 3, 5, 2, 4, 6)
            .reshape(batch, chunks, Config.TokensPerChunk, Config.PatchValues);
    }

    /// <summary>[B, C, ch, H, W] → [B, C, T, 9·ch·P·P]: each patch with its eight neighbours (zeros beyond the frame's edge).</summary>
    private Tensor Neighbourhoods(Tensor frames)
    {
        long batch = frames.shape[0], chunks = frames.shape[1];
        int patch = Config.PatchSize;
        var flat = frames.flatten(0, 1);
        var windows = nn.functional.unfold(flat, 3 * patch, padding: patch, stride: patch);
        return windows.transpose(1, 2).reshape(batch, chunks, Config.TokensPerChunk, 9 * Config.PatchValues);
    }

    /// <summary>[B, C, T, ch·P·P] → [B, C, ch, H, W], the inverse of <see cref="Patchify"/>.</summary>
    private Tensor Unpatchify(Tensor patches, long batch, long chunks)
    {
        int side = Config.PatchesPerSide, patch = Config.PatchSize;
        return patches.reshape(batch, chunks, side, side, Config.Channels, patch, patch)
            .permute(0, 1, 4, 2, 5, 3, 6)
            .reshape(batch, chunks, Config.Channels, Config.ImageSize, Config.ImageSize);
    }

    /// <summary>Sinusoidal embedding of flow times [B, C] → [B, C, 256] (cos and sin of τ·1000 at geometric frequencies).</summary>
    private static Tensor TimeEmbedding(Tensor tau)
    {
        const int half = TimeFrequencies / 2;
        var frequencies = exp(arange(half, ScalarType.Float32, tau.device) * (-Math.Log(10000.0) / half));
        var angles = (tau * _timeScaleScalar).unsqueeze(-1) * frequencies;
        return cat([cos(angles), sin(angles)], dim: -1);
    }

    /// <summary>
    /// The fixed 2-D sine-cosine position table of MAE and DiT, [side², width]: a quarter of the channels each for
    /// sin and cos of the row and of the column at geometric frequencies. It initialises the (trainable) patch
    /// positions, so that attention can find a patch's neighbours in other chunks from the first step.
    /// </summary>
    private static Tensor SinCosPositions(int side, int width)
    {
        using var scope = NewDisposeScope();
        var quarter = width / 4;
        var frequencies = exp(arange(quarter, ScalarType.Float32) * (-Math.Log(10000.0) / quarter));
        var rows = arange(side, ScalarType.Float32).repeat_interleave(side).unsqueeze(1) * frequencies;
        var columns = arange(side, ScalarType.Float32).repeat(side).unsqueeze(1) * frequencies;
        return cat([sin(rows), cos(rows), sin(columns), cos(columns)], dim: 1).MoveToOuterDisposeScope();
    }

    private (long Batch, long Chunks) CheckChunks(Tensor noisyChunks, Tensor tau, Tensor latents, string chunksName)
    {
        CheckChunkFrames(noisyChunks, chunksName);
        long batch = noisyChunks.shape[0], chunks = noisyChunks.shape[1];
        if (chunks > Config.MaxChunks)
            throw new ArgumentException($"{chunksName} has {chunks} chunks; this decoder takes at most MaxChunks = {Config.MaxChunks}.", chunksName);
        if (tau.dim() != 2 || tau.shape[0] != batch || tau.shape[1] != chunks)
            throw new ArgumentException($"{nameof(tau)} must be [B, C] = [{batch}, {chunks}]; got {TensorShape.Format(tau.shape)}.", nameof(tau));
        if (latents.dim() != 4 || latents.shape[0] != batch || latents.shape[1] != chunks
            || latents.shape[2] != Config.LatentTokens || latents.shape[3] != Config.LatentWidth)
            throw new ArgumentException(
                $"{nameof(latents)} must be [B, C, N, D] = [{batch}, {chunks}, {Config.LatentTokens}, {Config.LatentWidth}]; got {TensorShape.Format(latents.shape)}.",
                nameof(latents));
        return (batch, chunks);
    }

    private void CheckChunkFrames(Tensor frames, string name)
    {
        if (frames.dim() != 5 || frames.shape[2] != Config.Channels || frames.shape[3] != Config.ImageSize || frames.shape[4] != Config.ImageSize)
            throw new ArgumentException(
                $"{name} must be [B, C, {Config.Channels}, {Config.ImageSize}, {Config.ImageSize}]; got {TensorShape.Format(frames.shape)}.", name);
    }

    internal void CheckFrame(Tensor frame, string name)
    {
        if (frame.dim() != 4 || frame.shape[1] != Config.Channels || frame.shape[2] != Config.ImageSize || frame.shape[3] != Config.ImageSize)
            throw new ArgumentException(
                $"{name} must be [B, {Config.Channels}, {Config.ImageSize}, {Config.ImageSize}]; got {TensorShape.Format(frame.shape)}.", name);
    }

    internal void CheckLatent(Tensor latent, long batch, string name)
    {
        if (latent.dim() != 3 || latent.shape[0] != batch || latent.shape[1] != Config.LatentTokens || latent.shape[2] != Config.LatentWidth)
            throw new ArgumentException(
                $"{name} must be [B, N, D] = [{batch}, {Config.LatentTokens}, {Config.LatentWidth}]; got {TensorShape.Format(latent.shape)}.", name);
    }

}
