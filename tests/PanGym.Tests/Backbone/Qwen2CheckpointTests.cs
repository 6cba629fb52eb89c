using PanGym.Backbone;
using TorchSharp;
using static TorchSharp.torch;
using PanGym.IO;

namespace PanGym.Tests.Backbone;

public sealed class Qwen2CheckpointTests : IDisposable
{
    private readonly List<string> _folders = [];

    public void Dispose()
    {
        foreach (var folder in _folders.Where(Directory.Exists)) Directory.Delete(folder, recursive: true);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void LoadUsesEveryTensorWithItsHuggingFaceNameAndShape(bool tied)
    {
        var tensors = TinyQwen2Checkpoint.RandomTensors(tied, ScalarType.Float32);
        var folder = WriteCheckpoint(tensors, TinyQwen2Checkpoint.ConfigJson(tied));
        using var loaded = Qwen2Checkpoint.Load(folder);

        Assert.Equal(tied, loaded.Config.TieWordEmbeddings);
        Assert.Equal(1000000.0, loaded.Config.RopeTheta);
        var parameters = loaded.Model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Assert.Equal(tensors.Keys.Order(StringComparer.Ordinal), parameters.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, tensor) in tensors)
        {
            Assert.Equal(tensor.shape, parameters[name].shape);
            Assert.True(parameters[name].eq(tensor).all().item<bool>(), $"{name} was not copied exactly");
        }
        Assert.NotNull(loaded.Tokenizer);
        Assert.True(loaded.Tokenizer.VocabSize <= TinyQwen2Checkpoint.VocabSize);
        Assert.Equal(loaded.Tokenizer.TokenToId("<|im_end|>"), loaded.Tokenizer.EosTokenId);
        Assert.False(loaded.Model.training);
        DisposeAll(tensors);
    }

    [Fact]
    public void SaveThenLoadGivesBitIdenticalLogits()
    {
        var tensors = TinyQwen2Checkpoint.RandomTensors(tied: false, ScalarType.Float32);
        var folder = WriteCheckpoint(tensors, TinyQwen2Checkpoint.ConfigJson());
        using var first = Qwen2Checkpoint.Load(folder);
        var copy = NewFolder();
        Qwen2Checkpoint.Save(first.Model, copy, first.Tokenizer);
        Assert.True(File.Exists(Path.Combine(copy, "model.safetensors")));
        Assert.True(File.Exists(Path.Combine(copy, "tokenizer.json")));
        Assert.False(File.Exists(Path.Combine(copy, "model.safetensors.index.json")));
        Assert.Empty(Directory.GetFiles(copy, "*.tmp"));

        using var second = Qwen2Checkpoint.Load(copy);
        Assert.Equal(first.Config, second.Config);
        AssertSameLogits(first.Model, second.Model);
        var text = "The ball rolls left.";
        Assert.Equal(first.Tokenizer!.Encode(text), second.Tokenizer!.Encode(text));
        DisposeAll(tensors);
    }

    [Fact]
    public void ShardedCheckpointSavesWithAnIndexAndLoads()
    {
        var tensors = TinyQwen2Checkpoint.RandomTensors(tied: true, ScalarType.Float32);
        var folder = WriteCheckpoint(tensors, TinyQwen2Checkpoint.ConfigJson(tied: true));
        using var original = Qwen2Checkpoint.Load(folder);
        var sharded = NewFolder();
        Qwen2Checkpoint.Save(original.Model, sharded, original.Tokenizer, shardSizeBytes: 40_000);

        var shards = Directory.GetFiles(sharded, "model-*-of-*.safetensors");
        Assert.True(shards.Length >= 3, $"expected several shards, got {shards.Length}");
        Assert.False(File.Exists(Path.Combine(sharded, "model.safetensors")));
        var index = File.ReadAllText(Path.Combine(sharded, "model.safetensors.index.json"));
        Assert.Contains("\"weight_map\"", index);
        Assert.Contains("\"model.layers.1.mlp.down_proj.weight\"", index);

        using var reloaded = Qwen2Checkpoint.Load(sharded);
        AssertSameLogits(original.Model, reloaded.Model);

        Qwen2Checkpoint.Save(original.Model, sharded, original.Tokenizer);
        Assert.Empty(Directory.GetFiles(sharded, "model-*-of-*.safetensors"));
        Assert.False(File.Exists(Path.Combine(sharded, "model.safetensors.index.json")));
        using var unsharded = Qwen2Checkpoint.Load(sharded);
        AssertSameLogits(original.Model, unsharded.Model);
        DisposeAll(tensors);
    }

    [Fact]
    public void BFloat16CheckpointLoadsInFloat32OrBFloat16()
    {
        var tensors = TinyQwen2Checkpoint.RandomTensors(tied: false, ScalarType.BFloat16);
        var folder = WriteCheckpoint(tensors, TinyQwen2Checkpoint.ConfigJson(torchDtype: "bfloat16"));
        using var asFloat32 = Qwen2Checkpoint.Load(folder);
        Assert.Equal(ScalarType.BFloat16, asFloat32.Config.TorchDtype);
        Assert.Equal(ScalarType.Float32, asFloat32.Model.DType);
        var embedding = asFloat32.Model.state_dict()["model.embed_tokens.weight"];
        Assert.True(embedding.eq(tensors["model.embed_tokens.weight"].to(ScalarType.Float32)).all().item<bool>());

        using var asBFloat16 = Qwen2Checkpoint.Load(folder, ScalarType.BFloat16);
        Assert.Equal(ScalarType.BFloat16, asBFloat16.Model.DType);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var ids = tensor(new long[] { 3, 17, 99, 250 }).view(1, 4);
        var exact = asFloat32.Model.Forward(ids);
        var approximate = asBFloat16.Model.Forward(ids).to(ScalarType.Float32);
        var relativeRms = (exact - approximate).pow(2).mean().sqrt().item<float>() / exact.pow(2).mean().sqrt().item<float>();
        Assert.True(relativeRms < 5e-2, $"bf16 compute relative RMS error {relativeRms}");

        var resaved = NewFolder();
        Qwen2Checkpoint.Save(asBFloat16.Model, resaved);
        Assert.Contains("\"torch_dtype\": \"bfloat16\"", File.ReadAllText(Path.Combine(resaved, "config.json")));
        using var file = SafetensorsFile.Open(Path.Combine(resaved, "model.safetensors"));
        Assert.All(file.Tensors.Values, info => Assert.Equal(ScalarType.BFloat16, info.DType));
        DisposeAll(tensors);
    }

    [Fact]
    public void MissingExtraAndMisShapedTensorsAreListedByName()
    {
        var tensors = TinyQwen2Checkpoint.RandomTensors(tied: false, ScalarType.Float32);
        tensors.Remove("model.layers.1.mlp.up_proj.weight", out var removed);
        removed!.Dispose();
        tensors["model.layers.0.self_attn.extra.weight"] = zeros(3, 3).DetachFromDisposeScope();
        tensors["model.layers.0.self_attn.k_proj.weight"].Dispose();
        tensors["model.layers.0.self_attn.k_proj.weight"] = zeros(16, 31).DetachFromDisposeScope();
        var folder = WriteCheckpoint(tensors, TinyQwen2Checkpoint.ConfigJson());

        var error = Assert.Throws<InvalidInputException>(() => Qwen2Checkpoint.Load(folder));
        Assert.Contains("missing model.layers.1.mlp.up_proj.weight (expected shape [64, 32])", error.Message);
        Assert.Contains("unexpected model.layers.0.self_attn.extra.weight with shape [3, 3]", error.Message);
        Assert.Contains("mis-shaped model.layers.0.self_attn.k_proj.weight: expected [16, 32], found [16, 31]", error.Message);
        DisposeAll(tensors);
    }

    [Fact]
    public void CorruptAndTruncatedWeightFilesAreRefusedNamingTheFile()
    {
        var tensors = TinyQwen2Checkpoint.RandomTensors(tied: false, ScalarType.Float32);
        var folder = WriteCheckpoint(tensors, TinyQwen2Checkpoint.ConfigJson());
        var weights = Path.Combine(folder, "model.safetensors");
        var bytes = File.ReadAllBytes(weights);

        File.WriteAllBytes(weights, bytes[..(bytes.Length - 100)]);
        var truncated = Assert.Throws<SafetensorsFormatException>(() => Qwen2Checkpoint.Load(folder));
        Assert.Contains("model.safetensors", truncated.Message);

        var corrupt = (byte[])bytes.Clone();
        corrupt[8] = (byte)'[';
        File.WriteAllBytes(weights, corrupt);
        var malformed = Assert.Throws<SafetensorsFormatException>(() => Qwen2Checkpoint.Load(folder));
        Assert.Contains("model.safetensors", malformed.Message);

        File.Delete(weights);
        var missing = Assert.Throws<FileNotFoundException>(() => Qwen2Checkpoint.Load(folder));
        Assert.Contains("model.safetensors", missing.Message);
        DisposeAll(tensors);
    }

    [Theory]
    [InlineData("llama", "null", "model_type \"llama\"")]
    [InlineData("qwen2", "{\"type\": \"yarn\", \"factor\": 4.0, \"original_max_position_embeddings\": 32768}", "rope_scaling with rope type \"yarn\"")]
    [InlineData("qwen2", "{\"rope_type\": \"dynamic\", \"factor\": 2.0}", "rope_scaling with rope type \"dynamic\"")]
    public void UnsupportedConfigsAreRefusedNamingTheField(string modelType, string ropeScaling, string expected)
    {
        var tensors = TinyQwen2Checkpoint.RandomTensors(tied: false, ScalarType.Float32);
        var folder = WriteCheckpoint(tensors, TinyQwen2Checkpoint.ConfigJson(modelType: modelType, ropeScaling: ropeScaling));
        var error = Assert.Throws<InvalidInputException>(() => Qwen2Checkpoint.Load(folder));
        Assert.Contains(expected, error.Message);
        Assert.Contains("config.json", error.Message);
        DisposeAll(tensors);
    }

    [Fact]
    public void TiedHeadIsAcceptedOnlyWhenItEqualsTheEmbedding()
    {
        var tensors = TinyQwen2Checkpoint.RandomTensors(tied: true, ScalarType.Float32);
        tensors["lm_head.weight"] = tensors["model.embed_tokens.weight"].clone().DetachFromDisposeScope();
        var folder = WriteCheckpoint(tensors, TinyQwen2Checkpoint.ConfigJson(tied: true));
        using (var loaded = Qwen2Checkpoint.Load(folder))
        {
            Assert.DoesNotContain("lm_head.weight", loaded.Model.state_dict().Keys);
        }

        tensors["lm_head.weight"].add_(1.0);
        WriteCheckpoint(tensors, TinyQwen2Checkpoint.ConfigJson(tied: true), folder);
        var error = Assert.Throws<InvalidInputException>(() => Qwen2Checkpoint.Load(folder));
        Assert.Contains("lm_head.weight", error.Message);
        Assert.Contains("tie_word_embeddings", error.Message);
        DisposeAll(tensors);
    }

    [Fact]
    public void IndexThatDisagreesWithItsShardsIsRefused()
    {
        var tensors = TinyQwen2Checkpoint.RandomTensors(tied: true, ScalarType.Float32);
        var folder = WriteCheckpoint(tensors, TinyQwen2Checkpoint.ConfigJson(tied: true));
        using (var loaded = Qwen2Checkpoint.Load(folder))
        {
            Qwen2Checkpoint.Save(loaded.Model, folder, loaded.Tokenizer, shardSizeBytes: 40_000);
        }
        var indexPath = Path.Combine(folder, "model.safetensors.index.json");
        File.WriteAllText(indexPath, File.ReadAllText(indexPath).Replace("\"model.norm.weight\"", "\"model.renamed.weight\""));
        var error = Assert.Throws<InvalidInputException>(() => Qwen2Checkpoint.Load(folder));
        Assert.Contains("model.renamed.weight", error.Message);
        Assert.Contains("model.norm.weight", error.Message);

        File.Delete(Directory.GetFiles(folder, "model-00001-of-*.safetensors").Single());
        var missingShard = Assert.Throws<FileNotFoundException>(() => Qwen2Checkpoint.Load(folder));
        Assert.Contains("model-00001-of-", missingShard.Message);
        DisposeAll(tensors);
    }

    [Fact]
    public void MissingFolderAndConfigAreReported()
    {
        var absent = NewFolder();
        Assert.Throws<DirectoryNotFoundException>(() => Qwen2Checkpoint.Load(absent));
        Directory.CreateDirectory(absent);
        var error = Assert.Throws<FileNotFoundException>(() => Qwen2Checkpoint.Load(absent));
        Assert.Contains("config.json", error.Message);
    }

    private static void AssertSameLogits(Qwen2Model first, Qwen2Model second)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var ids = tensor(new long[] { 5, 80, 2, 311, 64, 0, 9 }).view(1, 7);
        var a = first.Forward(ids);
        var b = second.Forward(ids);
        Assert.True(a.eq(b).all().item<bool>(), "logits differ after a save/load round trip");
    }

    private string WriteCheckpoint(Dictionary<string, Tensor> tensors, string configJson, string? folder = null)
    {
        folder ??= NewFolder();
        TinyQwen2Checkpoint.Write(folder, tensors, configJson);
        return folder;
    }

    private string NewFolder()
    {
        var folder = TinyQwen2Checkpoint.TemporaryFolder();
        _folders.Add(folder);
        return folder;
    }

    private static void DisposeAll(Dictionary<string, Tensor> tensors)
    {
        foreach (var tensor in tensors.Values) tensor.Dispose();
    }
}
