using PanGym.Backbone;
using static TorchSharp.torch;

namespace PanGym.Tests.Backbone;

public sealed class AttentionMaskTests
{
    [Fact]
    public void ExplicitCausalMaskEqualsTheDefaultPath()
    {
        var config = TestModels.TinyConfig();
        using var model = TestModels.Random(config);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var embeddings = model.Embed(TestModels.RandomIds(config, 2, 10));
        var causal = ones(10, 10, dtype: ScalarType.Bool).tril();
        var expected = model.ForwardEmbeddings(embeddings);
        Assert.Equal([2L, 10, 64], expected.shape);
        Assert.True(TestModels.MaxAbsDiff(model.ForwardEmbeddings(embeddings, attentionMask: causal), expected) < 1e-6);
        var batched = causal.unsqueeze(0).unsqueeze(0).expand(2, 1, 10, 10);
        Assert.True(TestModels.MaxAbsDiff(model.ForwardEmbeddings(embeddings, attentionMask: batched), expected) < 1e-6);
    }

    [Fact]
    public void ExplicitCausalMaskOverACacheEqualsTheDefaultPath()
    {
        var config = TestModels.TinyConfig();
        using var model = TestModels.Random(config);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var embeddings = model.Embed(TestModels.RandomIds(config, 1, 10));
        using var cacheDefault = model.CreateCache();
        using var cacheMasked = model.CreateCache();
        model.ForwardEmbeddings(embeddings.narrow(1, 0, 6), cacheDefault);
        model.ForwardEmbeddings(embeddings.narrow(1, 0, 6), cacheMasked);
        var causalOverCache = ones(4, 10, dtype: ScalarType.Bool).tril(diagonal: 6);
        var masked = model.ForwardEmbeddings(embeddings.narrow(1, 6, 4), cacheMasked, attentionMask: causalOverCache);
        var expected = model.ForwardEmbeddings(embeddings.narrow(1, 6, 4), cacheDefault);
        Assert.True(TestModels.MaxAbsDiff(masked, expected) < 1e-6);
    }

    [Fact]
    public void BlockMaskHidesTheMaskedPositions()
    {
        // Layout: state slots 0-2, query slots 3-5. Query slots see the states only (not themselves, not each other).
        var config = TestModels.TinyConfig();
        using var model = TestModels.Random(config);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var embeddings = model.Embed(TestModels.RandomIds(config, 1, 6));
        var mask = ones(6, 6, dtype: ScalarType.Bool).tril();
        mask[TensorIndex.Slice(3, 6), TensorIndex.Slice(3, 6)] = zeros(3, 3, dtype: ScalarType.Bool);
        var before = model.ForwardEmbeddings(embeddings, attentionMask: mask);

        var perturbed = embeddings.clone();
        perturbed[0, 4] = randn(64);
        var after = model.ForwardEmbeddings(perturbed, attentionMask: mask);

        // Slot 4 itself changes (its own residual stream), no other query slot and no state slot does.
        Assert.Equal(0.0, TestModels.MaxAbsDiff(before.narrow(1, 0, 4), after.narrow(1, 0, 4)));
        Assert.Equal(0.0, TestModels.MaxAbsDiff(before.narrow(1, 5, 1), after.narrow(1, 5, 1)));
        Assert.True(TestModels.MaxAbsDiff(before.narrow(1, 4, 1), after.narrow(1, 4, 1)) > 1e-3);

        // Under the default causal mask the same perturbation does reach slot 5.
        var causalBefore = model.ForwardEmbeddings(embeddings);
        var causalAfter = model.ForwardEmbeddings(perturbed);
        Assert.True(TestModels.MaxAbsDiff(causalBefore.narrow(1, 5, 1), causalAfter.narrow(1, 5, 1)) > 1e-3);
    }

    [Fact]
    public void QueryRowWithNothingAllowedStaysFinite()
    {
        var config = TestModels.TinyConfig();
        using var model = TestModels.Random(config);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var embeddings = model.Embed(TestModels.RandomIds(config, 1, 4));
        var mask = ones(4, 4, dtype: ScalarType.Bool).tril();
        mask[0, 0] = tensor(false);
        var hidden = model.ForwardEmbeddings(embeddings, attentionMask: mask);
        Assert.True(hidden.isfinite().all().item<bool>());
    }

    [Fact]
    public void MalformedMasksAreRefused()
    {
        var config = TestModels.TinyConfig();
        using var model = TestModels.Random(config);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var embeddings = model.Embed(TestModels.RandomIds(config, 1, 4));
        var wrongShape = Assert.Throws<ArgumentException>(() => model.ForwardEmbeddings(embeddings, attentionMask: ones(4, 5, dtype: ScalarType.Bool)));
        Assert.Contains("[4, 4]", wrongShape.Message);
        var wrongType = Assert.Throws<ArgumentException>(() => model.ForwardEmbeddings(embeddings, attentionMask: ones(4, 4)));
        Assert.Contains("boolean", wrongType.Message);
        var wrongWidth = Assert.Throws<ArgumentException>(() => model.ForwardEmbeddings(ones(1, 4, 32)));
        Assert.Contains("[B, T, 64]", wrongWidth.Message);
        var badId = Assert.Throws<ArgumentException>(() => model.Forward(tensor(new long[] { 1, 300 }).view(1, 2)));
        Assert.Contains("300", badId.Message);
    }
}
