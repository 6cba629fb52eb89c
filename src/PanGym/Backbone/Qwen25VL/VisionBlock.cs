using TorchSharp.Utils;
using static TorchSharp.torch;

namespace PanGym.Backbone.Qwen25VL;

/// <summary>
/// One pre-norm block of the vision tower (transformers' <c>Qwen2_5_VLVisionBlock</c>):
/// h = x + attn(norm1(x)); out = h + mlp(norm2(h)), with RMSNorm (ε = 1e-6) and a SiLU-gated MLP with biases.
/// </summary>
internal sealed class VisionBlock : nn.Module
{
    private const double NormEps = 1e-6;

    [ComponentName(Name = "norm1")]
    private readonly RmsNorm _norm1;

    [ComponentName(Name = "norm2")]
    private readonly RmsNorm _norm2;

    [ComponentName(Name = "attn")]
    private readonly VisionAttention _attention;

    [ComponentName(Name = "mlp")]
    private readonly Qwen2Mlp _mlp;

    public VisionBlock(Qwen25VLVisionConfig config, ScalarType dtype) : base("Qwen2_5_VLVisionBlock")
    {
        _norm1 = new RmsNorm(config.HiddenSize, NormEps, dtype);
        _norm2 = new RmsNorm(config.HiddenSize, NormEps, dtype);
        _attention = new VisionAttention(config, dtype);
        _mlp = new Qwen2Mlp(config.HiddenSize, config.IntermediateSize, hasBias: true, dtype);
        RegisterComponents();
    }

    /// <summary>Runs the block on [N, hidden]; see <see cref="VisionAttention.Forward"/> for the other arguments.</summary>
    public Tensor Forward(Tensor hidden, Tensor cos, Tensor sin, IReadOnlyList<int> segmentLengths)
    {
        using var scope = NewDisposeScope();
        var afterAttention = hidden + _attention.Forward(_norm1.forward(hidden), cos, sin, segmentLengths);
        return (afterAttention + _mlp.forward(_norm2.forward(afterAttention))).MoveToOuterDisposeScope();
    }
}
