using PanGym.Backbone;
using TorchSharp;

namespace PanGym.Tests.Backbone;

public sealed class Qwen2ConfigTests
{
    /// <summary>Qwen2.5-0.5B's published config.json.</summary>
    private const string Qwen25HalfBillionJson = """
        {
          "architectures": ["Qwen2ForCausalLM"],
          "attention_dropout": 0.0,
          "bos_token_id": 151643,
          "eos_token_id": 151643,
          "hidden_act": "silu",
          "hidden_size": 896,
          "initializer_range": 0.02,
          "intermediate_size": 4864,
          "max_position_embeddings": 32768,
          "max_window_layers": 24,
          "model_type": "qwen2",
          "num_attention_heads": 14,
          "num_hidden_layers": 24,
          "num_key_value_heads": 2,
          "rms_norm_eps": 1e-06,
          "rope_theta": 1000000.0,
          "sliding_window": 32768,
          "tie_word_embeddings": true,
          "torch_dtype": "bfloat16",
          "transformers_version": "4.40.1",
          "use_cache": true,
          "use_sliding_window": false,
          "vocab_size": 151936
        }
        """;

    [Fact]
    public void ReadsQwen25ConfigAsThePreset()
    {
        var config = Qwen2Config.FromJson(Qwen25HalfBillionJson);
        Assert.Equal(Qwen2Config.Qwen2_5_0_5B, config);
        Assert.Equal(64, config.HeadDim);
        Assert.Equal(7, config.NumKeyValueGroups);
        Assert.Equal(torch.ScalarType.BFloat16, config.TorchDtype);
    }

    [Fact]
    public void JsonRoundTripKeepsEveryField()
    {
        var config = new Qwen2Config(vocabSize: 100, hiddenSize: 48, intermediateSize: 96, numHiddenLayers: 3,
            numAttentionHeads: 4, numKeyValueHeads: 1, headDim: 16, ropeTheta: 500000.0, rmsNormEps: 1e-5,
            tieWordEmbeddings: true, torchDtype: torch.ScalarType.Float16, bosTokenId: 3, eosTokenIds: [4, 5], padTokenId: 6);
        var json = config.ToJson();
        Assert.Contains("\"model_type\": \"qwen2\"", json);
        Assert.Contains("\"head_dim\": 16", json);
        Assert.Contains("\"eos_token_id\": [", json);
        Assert.Equal(config, Qwen2Config.FromJson(json));
        Assert.Equal(Qwen2Config.Tiny, Qwen2Config.FromJson(Qwen2Config.Tiny.ToJson()));
    }

    [Fact]
    public void ReadsTheNewerRopeParametersLayout()
    {
        var json = Qwen25HalfBillionJson.Replace("\"rope_theta\": 1000000.0,", "\"rope_parameters\": {\"rope_type\": \"default\", \"rope_theta\": 250000.0},")
            .Replace("\"torch_dtype\"", "\"dtype\"");
        var config = Qwen2Config.FromJson(json);
        Assert.Equal(250000.0, config.RopeTheta);
        Assert.Equal(torch.ScalarType.BFloat16, config.TorchDtype);
    }

    [Theory]
    [InlineData("\"use_sliding_window\": false", "\"use_sliding_window\": true", "use_sliding_window")]
    [InlineData("\"hidden_act\": \"silu\"", "\"hidden_act\": \"gelu\"", "hidden_act \"gelu\"")]
    [InlineData("\"attention_dropout\": 0.0", "\"attention_dropout\": 0.1", "attention_dropout 0.1")]
    [InlineData("\"model_type\": \"qwen2\"", "\"model_type\": \"qwen2_5\"", "model_type \"qwen2_5\"")]
    [InlineData("\"num_key_value_heads\": 2", "\"num_key_value_heads\": 3", "num_key_value_heads (3)")]
    [InlineData("\"hidden_size\": 896", "\"hidden_size\": 900", "hidden_size (900)")]
    [InlineData("\"vocab_size\": 151936", "\"vocab_size\": 0", "vocab_size must be positive")]
    [InlineData("\"torch_dtype\": \"bfloat16\"", "\"torch_dtype\": \"int8\"", "\"int8\"")]
    [InlineData("\"rms_norm_eps\": 1e-06,", "\"rms_norm_eps\": 1e-06, \"rope_scaling\": {\"type\": \"linear\", \"factor\": 2.0},", "rope_scaling with rope type \"linear\"")]
    [InlineData("\"rms_norm_eps\": 1e-06,", "\"rms_norm_eps\": 1e-06, \"layer_types\": [\"full_attention\", \"sliding_attention\"],", "layer_types[1]")]
    [InlineData("\"vocab_size\": 151936", "\"vocab_size\": \"many\"", "vocab_size must be an integer")]
    public void UnsupportedOrInvalidFieldsAreNamed(string original, string replacement, string expected)
    {
        var json = Qwen25HalfBillionJson.Replace(original, replacement);
        Assert.NotEqual(Qwen25HalfBillionJson, json);
        var error = Assert.Throws<FormatException>(() => Qwen2Config.FromJson(json));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void MissingFieldsAndBadJsonAreNamed()
    {
        Assert.Contains("\"hidden_size\"", Assert.Throws<FormatException>(() => Qwen2Config.FromJson(Qwen25HalfBillionJson.Replace("\"hidden_size\": 896,", ""))).Message);
        Assert.Contains("model_type", Assert.Throws<FormatException>(() => Qwen2Config.FromJson("{}")).Message);
        Assert.Contains("not valid JSON", Assert.Throws<FormatException>(() => Qwen2Config.FromJson("{\"vocab_size\": ")).Message);
    }

    [Fact]
    public void ConstructorValidatesShapes()
    {
        Assert.Contains("head_dim (7) must be even", Assert.Throws<ArgumentException>(() =>
            new Qwen2Config(vocabSize: 10, hiddenSize: 28, intermediateSize: 8, numHiddenLayers: 1, numAttentionHeads: 4)).Message);
        Assert.Contains("eos_token_id (10)", Assert.Throws<ArgumentException>(() =>
            new Qwen2Config(vocabSize: 10, hiddenSize: 16, intermediateSize: 8, numHiddenLayers: 1, numAttentionHeads: 2, eosTokenIds: [10])).Message);
        Assert.Contains("rope_theta", Assert.Throws<ArgumentException>(() =>
            new Qwen2Config(vocabSize: 10, hiddenSize: 16, intermediateSize: 8, numHiddenLayers: 1, numAttentionHeads: 2, ropeTheta: 0.5)).Message);
    }
}
