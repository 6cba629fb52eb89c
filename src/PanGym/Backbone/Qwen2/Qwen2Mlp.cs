using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace PanGym.Backbone;

/// <summary>
/// The SiLU-gated feed-forward block of Qwen2 (SwiGLU, Shazeer 2020): down(silu(gate(x)) ⊙ up(x)), without biases in the
/// language model and with them in Qwen2.5-VL's vision blocks.
/// </summary>
internal sealed class Qwen2Mlp : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "gate_proj")]
    private readonly Linear _gateProj;

    [ComponentName(Name = "up_proj")]
    private readonly Linear _upProj;

    [ComponentName(Name = "down_proj")]
    private readonly Linear _downProj;

    public Qwen2Mlp(Qwen2Config config, ScalarType dtype) : this(config.HiddenSize, config.IntermediateSize, hasBias: false, dtype)
    {
    }

    public Qwen2Mlp(long hiddenSize, long intermediateSize, bool hasBias, ScalarType dtype) : base("Qwen2Mlp")
    {
        _gateProj = nn.Linear(hiddenSize, intermediateSize, hasBias: hasBias, dtype: dtype);
        _upProj = nn.Linear(hiddenSize, intermediateSize, hasBias: hasBias, dtype: dtype);
        _downProj = nn.Linear(intermediateSize, hiddenSize, hasBias: hasBias, dtype: dtype);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var gated = nn.functional.silu(_gateProj.forward(input)) * _upProj.forward(input);
        return _downProj.forward(gated).MoveToOuterDisposeScope();
    }
}
