using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace PanGym.Backbone.Qwen25VL;

/// <summary>
/// Self-attention of a vision block (transformers' <c>Qwen2_5_VLVisionAttention</c>): one biased projection to q, k and
/// v, 2-D rotary positions on q and k (applied in float32 and cast back, as transformers does), softmax attention that
/// is not causal and stays inside each segment of the sequence (an attention window or a whole frame), and a biased
/// output projection.
/// </summary>
internal sealed class VisionAttention : nn.Module
{
    [ComponentName(Name = "qkv")]
    private readonly Linear _qkv;

    [ComponentName(Name = "proj")]
    private readonly Linear _proj;

    private readonly int _heads;
    private readonly int _headDim;

    public VisionAttention(Qwen25VLVisionConfig config, ScalarType dtype) : base("Qwen2_5_VLVisionAttention")
    {
        _heads = config.NumHeads;
        _headDim = config.HeadDim;
        _qkv = nn.Linear(config.HiddenSize, 3L * config.HiddenSize, hasBias: true, dtype: dtype);
        _proj = nn.Linear(config.HiddenSize, config.HiddenSize, hasBias: true, dtype: dtype);
        RegisterComponents();
    }

    /// <summary>Attends within each segment of <paramref name="hidden"/> [N, hidden].</summary>
    /// <param name="hidden">Normalised hidden states [N, hidden], in window order.</param>
    /// <param name="cos">Rotary cos table [N, headDim], float32.</param>
    /// <param name="sin">Rotary sin table [N, headDim], float32.</param>
    /// <param name="segmentLengths">Lengths of the consecutive segments that attend among themselves; they sum to N.</param>
    public Tensor Forward(Tensor hidden, Tensor cos, Tensor sin, IReadOnlyList<int> segmentLengths)
    {
        using var scope = NewDisposeScope();
        long length = hidden.shape[0];
        var qkv = _qkv.forward(hidden).view(length, 3, _heads, _headDim).permute(1, 2, 0, 3);
        var queries = RotaryEmbedding.Apply(qkv[0].to(ScalarType.Float32), cos, sin).to(hidden.dtype);
        var keys = RotaryEmbedding.Apply(qkv[1].to(ScalarType.Float32), cos, sin).to(hidden.dtype);
        var attended = AttendWithinSegments(queries, keys, qkv[2], segmentLengths);
        return _proj.forward(attended.transpose(0, 1).reshape(length, -1)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Block-diagonal attention over [heads, N, d]: each run of consecutive segments of one length is batched into a
    /// single scaled_dot_product_attention call ([count, heads, length, d]), so windows of the common size cost one call.
    /// </summary>
    private Tensor AttendWithinSegments(Tensor queries, Tensor keys, Tensor values, IReadOnlyList<int> segmentLengths)
    {
        var parts = new List<Tensor>();
        long start = 0;
        for (int first = 0; first < segmentLengths.Count;)
        {
            int segment = segmentLengths[first], next = first;
            while (next < segmentLengths.Count && segmentLengths[next] == segment) next++;
            long count = next - first, span = count * segment;
            Tensor Batched(Tensor x) => x.narrow(1, start, span).reshape(_heads, count, segment, _headDim).transpose(0, 1);
            var output = nn.functional.scaled_dot_product_attention(Batched(queries), Batched(keys), Batched(values));
            parts.Add(output.transpose(0, 1).reshape(_heads, span, _headDim));
            start += span;
            first = next;
        }
        return parts.Count == 1 ? parts[0] : cat(parts, dim: 1);
    }
}
