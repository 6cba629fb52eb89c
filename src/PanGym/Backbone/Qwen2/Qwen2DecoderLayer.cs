using TorchSharp.Utils;
using static TorchSharp.torch;

namespace PanGym.Backbone;

/// <summary>
/// One pre-norm decoder layer of Qwen2 (transformers' <c>Qwen2DecoderLayer</c>):
/// h = x + attn(norm₁(x)); out = h + mlp(norm₂(h)).
/// </summary>
internal sealed class Qwen2DecoderLayer : nn.Module
{
    [ComponentName(Name = "self_attn")]
    private readonly Qwen2Attention _selfAttention;

    [ComponentName(Name = "mlp")]
    private readonly Qwen2Mlp _mlp;

    [ComponentName(Name = "input_layernorm")]
    private readonly RmsNorm _inputLayerNorm;

    [ComponentName(Name = "post_attention_layernorm")]
    private readonly RmsNorm _postAttentionLayerNorm;

    private readonly int _layerIndex;

    public Qwen2DecoderLayer(Qwen2Config config, int layerIndex, ScalarType dtype) : base("Qwen2DecoderLayer")
    {
        _layerIndex = layerIndex;
        _selfAttention = new Qwen2Attention(config, dtype);
        _mlp = new Qwen2Mlp(config, dtype);
        _inputLayerNorm = new RmsNorm(config.HiddenSize, config.RmsNormEps, dtype);
        _postAttentionLayerNorm = new RmsNorm(config.HiddenSize, config.RmsNormEps, dtype);
        RegisterComponents();
    }

    /// <summary>Runs the layer on [B, T, H] hidden states; see <see cref="Qwen2Attention.Forward"/> for the other arguments.</summary>
    public Tensor Forward(Tensor hidden, Tensor cos, Tensor sin, Tensor? mask, KvCache? cache)
    {
        using var scope = NewDisposeScope();
        var afterAttention = hidden + _selfAttention.Forward(_inputLayerNorm.forward(hidden), cos, sin, mask, cache, _layerIndex);
        var output = afterAttention + _mlp.forward(_postAttentionLayerNorm.forward(afterAttention));
        return output.MoveToOuterDisposeScope();
    }
}
