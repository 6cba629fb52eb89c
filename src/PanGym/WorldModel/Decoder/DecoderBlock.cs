using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace PanGym.WorldModel;

/// <summary>
/// One block of the decoder's DiT: chunk-causal self-attention over all patch tokens, cross-attention from each chunk's
/// patch tokens to that chunk's latent-state tokens, and an MLP. Self-attention and MLP are modulated per chunk by
/// adaLN-zero (DiT, Peebles &amp; Xie 2023): shift, scale and a gate come from the chunk's conditioning vector, and the
/// gates start at zero so that every block starts as the identity. The cross-attention follows PixArt-α (Chen et al.
/// 2023): a plain pre-norm residual branch, here with a zero-initialised output projection for the same reason.
/// </summary>
internal sealed class DecoderBlock : nn.Module
{
    [ComponentName(Name = "norm1")]
    private readonly LayerNorm _norm1;

    [ComponentName(Name = "qkv")]
    private readonly Linear _qkv;

    [ComponentName(Name = "attn_out")]
    private readonly Linear _attnOut;

    [ComponentName(Name = "norm_cross")]
    private readonly LayerNorm _normCross;

    [ComponentName(Name = "cross_q")]
    private readonly Linear _crossQ;

    [ComponentName(Name = "cross_kv")]
    private readonly Linear _crossKv;

    [ComponentName(Name = "cross_out")]
    private readonly Linear _crossOut;

    [ComponentName(Name = "norm2")]
    private readonly LayerNorm _norm2;

    [ComponentName(Name = "mlp_in")]
    private readonly Linear _mlpIn;

    [ComponentName(Name = "mlp_out")]
    private readonly Linear _mlpOut;

    [ComponentName(Name = "ada_ln")]
    private readonly Linear _adaLn;

    private readonly int _width;
    private readonly int _heads;

    public DecoderBlock(FlowMatchingDecoderConfig config) : base(nameof(DecoderBlock))
    {
        _width = config.Width;
        _heads = config.Heads;
        _norm1 = nn.LayerNorm(_width, eps: 1e-6, elementwise_affine: false);
        _qkv = nn.Linear(_width, 3 * _width);
        _attnOut = nn.Linear(_width, _width);
        _normCross = nn.LayerNorm(_width, eps: 1e-6);
        _crossQ = nn.Linear(_width, _width);
        _crossKv = nn.Linear(_width, 2 * _width);
        _crossOut = nn.Linear(_width, _width);
        _norm2 = nn.LayerNorm(_width, eps: 1e-6, elementwise_affine: false);
        _mlpIn = nn.Linear(_width, config.MlpRatio * _width);
        _mlpOut = nn.Linear(config.MlpRatio * _width, _width);
        _adaLn = nn.Linear(_width, 6 * _width);
        using (no_grad())
        {
            nn.init.zeros_(_adaLn.weight);
            nn.init.zeros_(_adaLn.bias!);
            nn.init.zeros_(_crossOut.weight);
            nn.init.zeros_(_crossOut.bias!);
        }
        RegisterComponents();
    }

    /// <summary>Runs the block.</summary>
    /// <param name="tokens">Patch tokens [B, C, T, W].</param>
    /// <param name="condition">Per-chunk conditioning vectors [B, C, W] (flow time and pooled latent state).</param>
    /// <param name="memory">Per-chunk latent-state tokens in the model width [B, C, N, W].</param>
    /// <param name="mask">Chunk-causal mask [C·T, C·T] (true = may attend).</param>
    public Tensor Forward(Tensor tokens, Tensor condition, Tensor memory, Tensor mask)
    {
        using var scope = NewDisposeScope();
        long batch = tokens.shape[0], chunks = tokens.shape[1], length = tokens.shape[2];
        var modulation = _adaLn.forward(nn.functional.silu(condition)).unsqueeze(2).chunk(6, dim: -1);
        var (shift1, scale1, gate1) = (modulation[0], modulation[1], modulation[2]);
        var (shift2, scale2, gate2) = (modulation[3], modulation[4], modulation[5]);

        var attended = SelfAttention(Modulate(_norm1.forward(tokens), shift1, scale1), mask);
        var x = tokens + gate1 * attended;

        var queries = _normCross.forward(x).reshape(batch * chunks, length, _width);
        var keyValues = memory.reshape(batch * chunks, memory.shape[2], _width);
        x = x + CrossAttention(queries, keyValues).reshape(batch, chunks, length, _width);

        var hidden = nn.functional.gelu(_mlpIn.forward(Modulate(_norm2.forward(x), shift2, scale2)));
        x = x + gate2 * _mlpOut.forward(hidden);
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>adaLN modulation: normalized·(1 + scale) + shift, the scale and shift broadcast over a chunk's tokens.</summary>
    public static Tensor Modulate(Tensor normalized, Tensor shift, Tensor scale) => normalized + normalized * scale + shift;

    /// <summary>Self-attention over the chunks laid end to end: [B, C, T, W] → [B, C, T, W].</summary>
    private Tensor SelfAttention(Tensor tokens, Tensor mask)
    {
        long batch = tokens.shape[0], chunks = tokens.shape[1], length = tokens.shape[2];
        var flat = tokens.reshape(batch, chunks * length, _width);
        var qkv = _qkv.forward(flat).chunk(3, dim: -1);
        return _attnOut.forward(MultiHeadAttention.Attend(qkv[0], qkv[1], qkv[2], _heads, mask)).reshape(batch, chunks, length, _width);
    }

    /// <summary>Attention from patch tokens [B·C, T, W] to latent tokens [B·C, N, W], each chunk to its own state.</summary>
    private Tensor CrossAttention(Tensor queries, Tensor memory)
    {
        var keyValues = _crossKv.forward(memory).chunk(2, dim: -1);
        return _crossOut.forward(MultiHeadAttention.Attend(_crossQ.forward(queries), keyValues[0], keyValues[1], _heads));
    }
}
