using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace PanGym.Backbone;

/// <summary>
/// Root-mean-square layer norm as Qwen2 computes it (Zhang &amp; Sennrich 2019; transformers' <c>Qwen2RMSNorm</c>):
/// the normalisation runs in float32 whatever the input dtype, the result is cast back to the input dtype and only
/// then multiplied by the learned per-channel weight.
/// </summary>
internal sealed class RmsNorm : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "weight")]
    private readonly Parameter _weight;

    private readonly Scalar _eps;

    public RmsNorm(long size, double eps, ScalarType dtype) : base("RmsNorm")
    {
        _weight = new Parameter(ones(size, dtype: dtype));
        _eps = eps.ToScalar();
        RegisterComponents();
    }

    public Parameter Weight => _weight;

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = input.to(ScalarType.Float32);
        var variance = (x * x).mean([-1], keepdim: true);
        var normalized = (x * (variance + _eps).rsqrt()).to(input.dtype);
        return (_weight * normalized).MoveToOuterDisposeScope();
    }
}
