using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace PanGym.Backbone;

/// <summary>
/// Grouped-query self-attention of Qwen2 (Ainslie et al. 2023; transformers' <c>Qwen2Attention</c> with its default
/// <c>sdpa</c> attention): biased q/k/v projections, rotary embeddings on q and k, softmax(q·kᵀ/√headDim + mask)·v,
/// no bias on the output projection. Query head h reads key/value head h / groups (transformers' <c>repeat_kv</c>).
/// </summary>
/// <remarks>
/// The product runs in libtorch's <c>scaled_dot_product_attention</c>, whose CPU kernel works block by block in
/// float32 (scores and softmax in float32 also for bf16/f16 inputs) and never materialises the T×T score matrix: at
/// 1024 positions of Qwen2.5-0.5B's shape it is over ten times faster than the eager matmul-softmax-matmul, which
/// allocates hundreds of MB per layer. Float32 results agree with the eager formula to ~1e-6. A query row that the
/// mask leaves no key attends to nothing (its output is zero).
/// </remarks>
internal sealed class Qwen2Attention : nn.Module
{
    [ComponentName(Name = "q_proj")]
    private readonly Linear _qProj;

    [ComponentName(Name = "k_proj")]
    private readonly Linear _kProj;

    [ComponentName(Name = "v_proj")]
    private readonly Linear _vProj;

    [ComponentName(Name = "o_proj")]
    private readonly Linear _oProj;

    private readonly int _heads;
    private readonly int _kvHeads;
    private readonly int _headDim;
    private readonly double _scaling;

    public Qwen2Attention(Qwen2Config config, ScalarType dtype) : base("Qwen2Attention")
    {
        _heads = config.NumAttentionHeads;
        _kvHeads = config.NumKeyValueHeads;
        _headDim = config.HeadDim;
        _scaling = Math.Pow(config.HeadDim, -0.5);
        _qProj = nn.Linear(config.HiddenSize, _heads * _headDim, hasBias: true, dtype: dtype);
        _kProj = nn.Linear(config.HiddenSize, _kvHeads * _headDim, hasBias: true, dtype: dtype);
        _vProj = nn.Linear(config.HiddenSize, _kvHeads * _headDim, hasBias: true, dtype: dtype);
        _oProj = nn.Linear(_heads * _headDim, config.HiddenSize, hasBias: false, dtype: dtype);
        RegisterComponents();
    }

    /// <summary>Attends from the T new positions of <paramref name="hidden"/> ([B, T, H]) to the cache plus themselves.</summary>
    /// <param name="hidden">Normalised hidden states [B, T, H].</param>
    /// <param name="cos">Rotary cos table [B or 1, 1, T, headDim].</param>
    /// <param name="sin">Rotary sin table [B or 1, 1, T, headDim].</param>
    /// <param name="mask">Boolean mask broadcastable to [B, heads, T, T_total] (true = may attend), or null for none.</param>
    /// <param name="cache">Keys and values of earlier positions; this layer's new ones are appended to it.</param>
    /// <param name="layerIndex">This layer's index in the cache.</param>
    public Tensor Forward(Tensor hidden, Tensor cos, Tensor sin, Tensor? mask, KvCache? cache, int layerIndex)
    {
        using var scope = NewDisposeScope();
        var batch = hidden.shape[0];
        var length = hidden.shape[1];

        var queries = SplitHeads(_qProj.forward(hidden), _heads);
        var keys = SplitHeads(_kProj.forward(hidden), _kvHeads);
        var values = SplitHeads(_vProj.forward(hidden), _kvHeads);
        queries = RotaryEmbedding.Apply(queries, cos, sin);
        keys = RotaryEmbedding.Apply(keys, cos, sin);
        if (cache is not null) (keys, values) = cache.Append(layerIndex, keys, values);

        var attended = mask is null
            ? AttendToAllKeys(queries, keys, values)
            : nn.functional.scaled_dot_product_attention(queries, RepeatKeyValueHeads(keys), RepeatKeyValueHeads(values), mask);
        var merged = attended.transpose(1, 2).reshape(batch, length, _heads * _headDim);
        return _oProj.forward(merged).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Attention with no mask (every query sees every key, as in single-position decoding): the query heads that share
    /// a KV head are stacked along the sequence axis, so one product per KV head serves its whole group and the cache
    /// is never copied.
    /// </summary>
    private Tensor AttendToAllKeys(Tensor queries, Tensor keys, Tensor values)
    {
        long batch = queries.shape[0], length = queries.shape[2], groups = _heads / _kvHeads;
        var grouped = queries.reshape(batch, _kvHeads, groups * length, _headDim);
        return nn.functional.scaled_dot_product_attention(grouped, keys, values).view(batch, _heads, length, _headDim);
    }

    /// <summary>transformers' <c>repeat_kv</c>: [B, kvHeads, T, d] → [B, heads, T, d], KV head j serving query heads j·groups … j·groups + groups − 1.</summary>
    private Tensor RepeatKeyValueHeads(Tensor keysOrValues)
    {
        var groups = _heads / _kvHeads;
        if (groups == 1) return keysOrValues;
        long batch = keysOrValues.shape[0], length = keysOrValues.shape[2];
        return keysOrValues.unsqueeze(2).expand(batch, _kvHeads, groups, length, _headDim).reshape(batch, _heads, length, _headDim);
    }

    /// <summary>[B, T, heads·headDim] → [B, heads, T, headDim].</summary>
    private Tensor SplitHeads(Tensor projected, int heads) =>
        projected.view(projected.shape[0], projected.shape[1], heads, _headDim).transpose(1, 2);
}
