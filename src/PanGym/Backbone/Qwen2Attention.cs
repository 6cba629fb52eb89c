using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace PanGym.Backbone;

/// <summary>
/// Grouped-query self-attention of Qwen2 (Ainslie et al. 2023; transformers' <c>Qwen2Attention</c> with
/// <c>eager_attention_forward</c>): biased q/k/v projections, rotary embeddings on q and k, scores
/// q·kᵀ/√headDim in the model dtype, softmax in float32, no bias on the output projection.
/// </summary>
/// <remarks>
/// Query head h reads key/value head h / groups, exactly as transformers' <c>repeat_kv</c> (a repeat-interleave of the
/// KV heads) arranges it; instead of copying the KV heads, the query heads of one group are stacked along the
/// sequence axis so that one batched product serves the whole group (the same dot products, no copy of the cache).
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
        var groups = _heads / _kvHeads;

        var queries = SplitHeads(_qProj.forward(hidden), _heads);
        var keys = SplitHeads(_kProj.forward(hidden), _kvHeads);
        var values = SplitHeads(_vProj.forward(hidden), _kvHeads);
        queries = RotaryEmbedding.Apply(queries, cos, sin);
        keys = RotaryEmbedding.Apply(keys, cos, sin);
        if (cache is not null) (keys, values) = cache.Append(layerIndex, keys, values);
        var totalLength = keys.shape[2];

        var groupedQueries = queries.reshape(batch, _kvHeads, groups * length, _headDim);
        var scores = (groupedQueries.matmul(keys.transpose(2, 3)) * _scaling).view(batch, _heads, length, totalLength);
        var scores32 = scores.to(ScalarType.Float32);
        if (mask is not null) scores32 = scores32.masked_fill(mask.logical_not(), float.MinValue);
        var weights = scores32.softmax(-1).to(hidden.dtype).view(batch, _kvHeads, groups * length, totalLength);
        var attended = weights.matmul(values).view(batch, _heads, length, _headDim);
        var merged = attended.transpose(1, 2).reshape(batch, length, _heads * _headDim);
        return _oProj.forward(merged).MoveToOuterDisposeScope();
    }

    /// <summary>[B, T, heads·headDim] → [B, heads, T, headDim].</summary>
    private Tensor SplitHeads(Tensor projected, int heads) =>
        projected.view(projected.shape[0], projected.shape[1], heads, _headDim).transpose(1, 2);
}
