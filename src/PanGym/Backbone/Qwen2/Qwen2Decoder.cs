using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace PanGym.Backbone;

/// <summary>
/// The decoder stack without the output head (transformers' <c>Qwen2Model</c>, registered as <c>model</c>): token
/// embedding, the decoder layers and the final RMSNorm.
/// </summary>
internal sealed class Qwen2Decoder : nn.Module
{
    [ComponentName(Name = "embed_tokens")]
    private readonly Embedding _embedTokens;

    [ComponentName(Name = "layers")]
    private readonly ModuleList<Qwen2DecoderLayer> _layers;

    [ComponentName(Name = "norm")]
    private readonly RmsNorm _norm;

    public Qwen2Decoder(Qwen2Config config, ScalarType dtype) : base("Qwen2Decoder")
    {
        _embedTokens = nn.Embedding(config.VocabSize, config.HiddenSize, dtype: dtype);
        _layers = nn.ModuleList(Enumerable.Range(0, config.NumHiddenLayers).Select(index => new Qwen2DecoderLayer(config, index, dtype)).ToArray());
        _norm = new RmsNorm(config.HiddenSize, config.RmsNormEps, dtype);
        RegisterComponents();
    }

    public Embedding EmbedTokens => _embedTokens;

    /// <summary>Runs every layer and the final norm on [B, T, H] embeddings.</summary>
    public Tensor Forward(Tensor embeddings, Tensor cos, Tensor sin, Tensor? mask, KvCache? cache)
    {
        var hidden = embeddings;
        foreach (var layer in _layers)
        {
            var next = layer.Forward(hidden, cos, sin, mask, cache);
            if (!ReferenceEquals(hidden, embeddings)) hidden.Dispose();
            hidden = next;
        }
        var normalized = _norm.forward(hidden);
        if (!ReferenceEquals(hidden, embeddings)) hidden.Dispose();
        return normalized;
    }
}
