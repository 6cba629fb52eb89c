using PanGym.Backbone;
using static TorchSharp.torch;

namespace PanGym.Tests.Backbone;

/// <summary>Small random Qwen2 models whose weights are large enough that every part of the forward pass shows in the logits.</summary>
internal static class TestModels
{
    /// <summary>Tiny GQA config (4 query heads over 2 KV heads) with 2 layers; tied or untied head.</summary>
    public static Qwen2Config TinyConfig(bool tied = false, int? headDim = null) => new(
        vocabSize: 300, hiddenSize: 64, intermediateSize: 128, numHiddenLayers: 2, numAttentionHeads: 4,
        numKeyValueHeads: 2, headDim: headDim, ropeTheta: 10000.0, rmsNormEps: 1e-6, tieWordEmbeddings: tied,
        bosTokenId: 1, eosTokenIds: [2]);

    /// <summary>A model with random weights of scale ~0.15, random biases and norm weights near 1, in eval mode.</summary>
    public static Qwen2Model Random(Qwen2Config config, long seed = 1234)
    {
        manual_seed(seed);
        var model = new Qwen2Model(config);
        using (no_grad())
        {
            foreach (var (name, parameter) in model.named_parameters())
            {
                if (name.EndsWith("norm.weight", StringComparison.Ordinal)) parameter.normal_(1.0, 0.2);
                else if (name.EndsWith(".bias", StringComparison.Ordinal)) parameter.normal_(0.0, 0.1);
                else if (name == "model.embed_tokens.weight") parameter.normal_(0.0, 1.0);
                else parameter.normal_(0.0, 0.15);
            }
        }
        model.eval();
        return model;
    }

    /// <summary>Random token ids [batch, length] in [0, vocab).</summary>
    public static Tensor RandomIds(Qwen2Config config, long batch, long length, long seed = 7)
    {
        var generator = new TorchSharp.torch.Generator((ulong)seed);
        return randint(0, config.VocabSize, [batch, length], generator: generator, dtype: ScalarType.Int64);
    }

    /// <summary>Largest absolute difference between two tensors, in float64.</summary>
    public static double MaxAbsDiff(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        return (a.to(ScalarType.Float64) - b.to(ScalarType.Float64)).abs().max().item<double>();
    }
}
