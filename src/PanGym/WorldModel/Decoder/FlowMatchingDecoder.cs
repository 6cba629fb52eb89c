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
    /// <summary>Cuts chunks into patch tokens and back (not a module: no state-dict entry).</summary>
    private readonly ChunkPatches _patches;

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
        (Inputs, _patches) = (new FlowMatchingDecoderInputs(config), new ChunkPatches(config));
        var width = config.Width;
        _patchEmbed = nn.Linear(config.PatchValues, width);
        _previousEmbed = nn.Linear(9 * config.PatchValues, width);
        _hintEmbed = nn.Linear(config.PatchValues, width);
        _renderer = new LatentRenderer(config.ImageSize, config.LatentTokens, config.LatentWidth, config.Channels);
        _patchPosition = new Parameter(DecoderEmbeddings.SinCosPositions(config.PatchesPerSide, width));
        _chunkPosition = new Parameter(randn(config.MaxChunks, width) * 0.02);
        _timeIn = nn.Linear(DecoderEmbeddings.TimeFrequencies, width);
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

    /// <summary>The checks of its inputs' shapes.</summary>
    internal FlowMatchingDecoderInputs Inputs { get; }

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
        var (batch, chunks) = Inputs.CheckChunks(noisyChunks, tau, latents, nameof(noisyChunks));
        using var scope = NewDisposeScope();
        var tokens = _patchEmbed.forward(_patches.Patchify(noisyChunks))
                     + _previousEmbed.forward(_patches.Neighbourhoods(PreviousFrames(noisyChunks)))
                     + _hintEmbed.forward(_patches.Patchify(_renderer.forward(latents)))
                     + _patchPosition
                     + _chunkPosition.narrow(0, 0, chunks).unsqueeze(1);
        var condition = _timeOut.forward(nn.functional.silu(_timeIn.forward(DecoderEmbeddings.Time(tau))))
                        + _latentPool.forward(latents.mean([2]));
        var memory = _latentProj.forward(latents) + _latentPosition;
        var mask = ChunkCausalMask.Build((int)chunks, Config.TokensPerChunk, noisyChunks.device);
        foreach (var block in _blocks) tokens = block.Forward(tokens, condition, memory, mask);

        var finalModulation = _finalAdaLn.forward(nn.functional.silu(condition)).unsqueeze(2).chunk(2, dim: -1);
        var normalized = DecoderBlock.Modulate(_finalNorm.forward(tokens), finalModulation[0], finalModulation[1]);
        return _patches.Unpatchify(_finalProj.forward(normalized), batch, chunks).MoveToOuterDisposeScope();
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
        long batch = Inputs.CheckAfterContext(contextFrame, contextTau, chunks, tau, latents);
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
        var (batch, chunks) = Inputs.CheckLoss(targetFrames, contextFrame);

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

    internal void CheckFrame(Tensor frame, string name) => Inputs.CheckFrame(frame, name);

    internal void CheckLatent(Tensor latent, long batch, string name) => Inputs.CheckLatent(latent, batch, name);
}
