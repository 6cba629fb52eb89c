using PanGym.Backbone;
using PanGym.Backbone.Qwen25VL;
using PanGym.Gym;
using static TorchSharp.torch;

namespace PanGym.Tests.Backbone.Qwen25VL;

public sealed class Qwen25VLCheckpointTests
{
    private static readonly Image[] Images = [TestImages.Random(12, 20, seed: 11), TestImages.Random(9, 14, seed: 12)];

    [Fact]
    public void BothConfigLayoutsReadToTheSameConfig()
    {
        var classic = Qwen25VLConfig.FromJson(TinyQwen25VLCheckpoint.ClassicConfigJson());
        var nested = Qwen25VLConfig.FromJson(TinyQwen25VLCheckpoint.NestedConfigJson());
        Assert.Equal(classic, nested);
        Assert.Equal([2, 3, 3], classic.MropeSection);
        Assert.Equal(TinyQwen25VLCheckpoint.ImageTokenId, classic.ImageTokenId);
        Assert.Equal([1], classic.Vision.FullAttentionBlockIndexes);
        Assert.Equal(TinyQwen25VLCheckpoint.Hidden, classic.Vision.OutHiddenSize);
        Assert.Equal(classic, Qwen25VLConfig.FromJson(classic.ToJson()));
        Assert.Equal(Qwen25VLConfig.Qwen2_5_VL_7B, Qwen25VLConfig.FromJson(Qwen25VLConfig.Qwen2_5_VL_7B.ToJson()));
    }

    /// <summary>Classic or nested config, classic or nested tensor names, one file or two shards: the same tensors give the same outputs, bit for bit.</summary>
    [Fact]
    public void EveryLayoutLoadsToTheSameOutputs()
    {
        (bool NestedConfig, bool NestedNames, bool Sharded)[] layouts = [(false, false, false), (true, true, false), (false, true, true), (true, false, true)];
        Tensor? reference = null;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (var (nestedConfig, nestedNames, sharded) in layouts)
        {
            using var folder = new TinyQwen25VLFolder(nestedConfig: nestedConfig, nestedNames: nestedNames, sharded: sharded, seed: 8);
            using var checkpoint = Qwen25VLCheckpoint.Load(folder.Path);
            Assert.Equal(nestedNames ? Qwen25VLParameterLayout.Nested : Qwen25VLParameterLayout.Classic, checkpoint.Layout);
            var prompt = Qwen25VLPrompt.Expand(checkpoint.Tokenizer!.Encode(TinyQwen25VLFolder.PromptText(2)),
                TinyQwen25VLFolder.Process(checkpoint.ImageProcessor, Images), checkpoint.Config);
            var logits = checkpoint.Model.Forward(prompt);
            if (reference is null)
            {
                reference = logits;
                var difference = TinyQwen25VLFolder.MaxAbsDifference(logits, folder.ReferenceLogits(prompt.Ids, Images));
                Assert.True(difference < 1e-4, $"max |Δ| = {difference}");
            }
            else
            {
                Assert.Equal(0.0, TestModels.MaxAbsDiff(reference, logits));
            }
        }
    }

    [Fact]
    public void TiedEmbeddingsLoadWithoutAHead()
    {
        using var folder = new TinyQwen25VLFolder(tied: true, seed: 9);
        using var checkpoint = Qwen25VLCheckpoint.Load(folder.Path);
        Assert.True(checkpoint.Config.Text.TieWordEmbeddings);
        Assert.DoesNotContain(checkpoint.Model.named_parameters(), entry => entry.name.EndsWith("lm_head.weight", StringComparison.Ordinal));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var prompt = Qwen25VLPrompt.Expand(checkpoint.Tokenizer!.Encode(TinyQwen25VLFolder.PromptText(1)),
            TinyQwen25VLFolder.Process(checkpoint.ImageProcessor, [Images[1]]), checkpoint.Config);
        var difference = TinyQwen25VLFolder.MaxAbsDifference(checkpoint.Model.Forward(prompt), folder.ReferenceLogits(prompt.Ids, [Images[1]]));
        Assert.True(difference < 1e-4, $"max |Δ| = {difference}");
    }

    [Fact]
    public void ModuleNamesMapOntoBothLayouts()
    {
        Assert.Equal("visual.blocks.0.attn.qkv.weight", Qwen25VLCheckpoint.CheckpointName("visual.blocks.0.attn.qkv.weight", Qwen25VLParameterLayout.Classic));
        Assert.Equal("model.visual.merger.mlp.2.bias", Qwen25VLCheckpoint.CheckpointName("visual.merger.mlp.2.bias", Qwen25VLParameterLayout.Nested));
        Assert.Equal("model.layers.1.mlp.up_proj.weight", Qwen25VLCheckpoint.CheckpointName("language_model.model.layers.1.mlp.up_proj.weight", Qwen25VLParameterLayout.Classic));
        Assert.Equal("model.language_model.norm.weight", Qwen25VLCheckpoint.CheckpointName("language_model.model.norm.weight", Qwen25VLParameterLayout.Nested));
        Assert.Equal("lm_head.weight", Qwen25VLCheckpoint.CheckpointName("language_model.lm_head.weight", Qwen25VLParameterLayout.Nested));
        using var model = new Qwen25VLModel(Qwen25VLConfig.FromJson(TinyQwen25VLCheckpoint.ClassicConfigJson()));
        var expected = TinyQwen25VLCheckpoint.TensorShapes(tied: false).ToDictionary(entry => entry.Name, entry => entry.Shape);
        var actual = model.named_parameters().ToDictionary(entry => Qwen25VLCheckpoint.CheckpointName(entry.name, Qwen25VLParameterLayout.Classic), entry => entry.parameter.shape);
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        Assert.All(expected, entry => Assert.Equal(entry.Value, actual[entry.Key]));
    }

    [Fact]
    public void MissingPreprocessorConfigIsNamed()
    {
        using var folder = new TinyQwen25VLFolder();
        File.Delete(Path.Combine(folder.Path, "preprocessor_config.json"));
        var error = Assert.Throws<FileNotFoundException>(() => Qwen25VLCheckpoint.Load(folder.Path));
        Assert.Contains("has no preprocessor_config.json", error.Message);
    }

    [Theory]
    [InlineData("gelu", "[1]", "Unsupported vision_config.hidden_act \"gelu\"")]
    [InlineData("silu", "[1, 3]", "fullatt_block_indexes names block 3, outside the tower's 3 blocks")]
    public void UnsupportedVisionConfigsAreRefused(string hiddenAct, string fullAttention, string expected)
    {
        using var folder = new TinyQwen25VLFolder();
        File.WriteAllText(Path.Combine(folder.Path, "config.json"),
            TinyQwen25VLCheckpoint.ClassicConfigJson(visionConfig: TinyQwen25VLCheckpoint.VisionConfigJson(hiddenAct, fullAttention)));
        var error = Assert.Throws<InvalidInputException>(() => Qwen25VLCheckpoint.Load(folder.Path));
        Assert.Contains(expected, error.Message);
        Assert.Contains("config.json", error.Message);
    }

    [Fact]
    public void MissingMropeSectionAndMismatchedProcessorAreRefused()
    {
        using var folder = new TinyQwen25VLFolder();
        File.WriteAllText(Path.Combine(folder.Path, "config.json"), TinyQwen25VLCheckpoint.ClassicConfigJson(ropeScaling: "null"));
        Assert.Contains("no rope_scaling.mrope_section", Assert.Throws<InvalidInputException>(() => Qwen25VLCheckpoint.Load(folder.Path)).Message);
        File.WriteAllText(Path.Combine(folder.Path, "config.json"), TinyQwen25VLCheckpoint.ClassicConfigJson());
        File.WriteAllText(Path.Combine(folder.Path, "preprocessor_config.json"), TinyQwen25VLCheckpoint.PreprocessorConfigJson(patchSize: 14));
        Assert.Contains("patch_size 14 disagrees with config.json's vision_config.patch_size 2",
            Assert.Throws<InvalidInputException>(() => Qwen25VLCheckpoint.Load(folder.Path)).Message);
    }

    [Fact]
    public void AWronglyShapedTensorIsNamedWithBothShapes()
    {
        var folder = TinyQwen25VLCheckpoint.TemporaryFolder();
        var tensors = TinyQwen25VLCheckpoint.RandomTensors(tied: false, ScalarType.Float32);
        try
        {
            tensors["visual.blocks.2.attn.proj.weight"].Dispose();
            tensors["visual.blocks.2.attn.proj.weight"] = zeros(32, 16).DetachFromDisposeScope();
            TinyQwen25VLCheckpoint.Write(folder, tensors, TinyQwen25VLCheckpoint.ClassicConfigJson(), nestedNames: true);
            var error = Assert.Throws<InvalidInputException>(() => Qwen25VLCheckpoint.Load(folder));
            Assert.Contains("mis-shaped model.visual.blocks.2.attn.proj.weight: expected [32, 32], found [32, 16] in model.safetensors", error.Message);
        }
        finally
        {
            foreach (var tensor in tensors.Values) tensor.Dispose();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void ATokenizerWithoutTheVisionTokensIsRefused()
    {
        using var folder = new TinyQwen25VLFolder();
        TinyTokenizerJson.Write(folder.Path, mergeCount: 50);
        var error = Assert.Throws<InvalidInputException>(() => Qwen25VLCheckpoint.Load(folder.Path));
        Assert.Contains("lacks the vision token <|vision_start|>", error.Message);
    }

    [Fact]
    public void ATextOnlyFolderIsNotTakenForAVisionLanguageOne()
    {
        using var folder = new TinyQwen25VLFolder();
        Assert.True(Qwen25VLCheckpoint.IsQwen25VLFolder(folder.Path));
        File.WriteAllText(Path.Combine(folder.Path, "config.json"), TinyQwen25VLCheckpoint.TextOnlyQwen2ConfigJson());
        Assert.False(Qwen25VLCheckpoint.IsQwen25VLFolder(folder.Path));
        Assert.Contains("Unsupported model_type \"qwen2\"", Assert.Throws<InvalidInputException>(() => Qwen25VLCheckpoint.Load(folder.Path)).Message);
    }
}
