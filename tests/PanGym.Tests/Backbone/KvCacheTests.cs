using PanGym.Backbone;
using TorchSharp;
using static TorchSharp.torch;

namespace PanGym.Tests.Backbone;

public sealed class KvCacheTests
{
    private const double Tolerance = 1e-5;

    [Fact]
    public void IncrementalDecodingOver64StepsEqualsFullRecomputation()
    {
        AssertIncrementalEqualsFull(batch: 1);
    }

    [Fact]
    public void BatchedIncrementalDecodingEqualsFullRecomputation()
    {
        AssertIncrementalEqualsFull(batch: 3);
    }

    [Fact]
    public void ChunkedPrefillEqualsOnePass()
    {
        var config = TestModels.TinyConfig();
        using var model = TestModels.Random(config);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var ids = TestModels.RandomIds(config, 2, 23);
        using var cache = model.CreateCache(batchSize: 2, initialCapacity: 3);
        var chunks = new[] { 5L, 1, 9, 8 };
        var offset = 0L;
        var pieces = new List<Tensor>();
        foreach (var chunk in chunks)
        {
            pieces.Add(model.Forward(ids.narrow(1, offset, chunk), cache));
            offset += chunk;
        }
        Assert.Equal(23, cache.Length);
        Assert.True(cache.Capacity >= 23);
        Assert.True(TestModels.MaxAbsDiff(cat(pieces, 1), model.Forward(ids)) < Tolerance);
    }

    [Fact]
    public void ClonedCacheDivergesWithoutTouchingTheOriginal()
    {
        var config = TestModels.TinyConfig();
        using var model = TestModels.Random(config);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var prefix = TestModels.RandomIds(config, 1, 10, seed: 1);
        var continuationA = TestModels.RandomIds(config, 1, 6, seed: 2);
        var continuationB = TestModels.RandomIds(config, 1, 6, seed: 3);
        using var original = model.CreateCache(initialCapacity: 8);
        model.Forward(prefix, original);
        using var branch = original.Clone();

        var logitsB = model.Forward(continuationB, branch);
        Assert.Equal(10, original.Length);
        Assert.Equal(16, branch.Length);
        var logitsA = model.Forward(continuationA, original);

        Assert.True(TestModels.MaxAbsDiff(logitsA, model.Forward(cat([prefix, continuationA], 1)).narrow(1, 10, 6)) < Tolerance);
        Assert.True(TestModels.MaxAbsDiff(logitsB, model.Forward(cat([prefix, continuationB], 1)).narrow(1, 10, 6)) < Tolerance);
    }

    [Fact]
    public void TruncateThenReExtendEqualsFullRecomputation()
    {
        var config = TestModels.TinyConfig();
        using var model = TestModels.Random(config);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var first = TestModels.RandomIds(config, 1, 20, seed: 4);
        var replacement = TestModels.RandomIds(config, 1, 7, seed: 5);
        using var cache = model.CreateCache();
        model.Forward(first, cache);
        cache.Truncate(12);
        Assert.Equal(12, cache.Length);
        var logits = model.Forward(replacement, cache);

        var full = model.Forward(cat([first.narrow(1, 0, 12), replacement], 1)).narrow(1, 12, 7);
        Assert.True(TestModels.MaxAbsDiff(logits, full) < Tolerance);
        Assert.Throws<ArgumentOutOfRangeException>(() => cache.Truncate(20));
    }

    [Fact]
    public void RepeatAndSelectBranchFuturesFromASharedPrefix()
    {
        var config = TestModels.TinyConfig();
        using var model = TestModels.Random(config);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var prefixes = TestModels.RandomIds(config, 2, 9, seed: 6);
        using var shared = model.CreateCache(batchSize: 2);
        model.Forward(prefixes, shared);

        using var branches = shared.Repeat(3);
        Assert.Equal(6, branches.BatchSize);
        var futures = TestModels.RandomIds(config, 6, 4, seed: 8);
        var branched = model.Forward(futures, branches);
        for (var row = 0; row < 6; row++)
        {
            var history = cat([prefixes.narrow(0, row / 3, 1), futures.narrow(0, row, 1)], 1);
            Assert.True(TestModels.MaxAbsDiff(branched.narrow(0, row, 1), model.Forward(history).narrow(1, 9, 4)) < Tolerance, $"branch {row}");
        }

        using var selected = shared.Select(1, 1, 0);
        var selectedFutures = futures.narrow(0, 0, 3);
        var selectedLogits = model.Forward(selectedFutures, selected);
        long[] sources = [1, 1, 0];
        for (var row = 0; row < 3; row++)
        {
            var history = cat([prefixes.narrow(0, sources[row], 1), selectedFutures.narrow(0, row, 1)], 1);
            Assert.True(TestModels.MaxAbsDiff(selectedLogits.narrow(0, row, 1), model.Forward(history).narrow(1, 9, 4)) < Tolerance, $"selected {row}");
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => shared.Select(2));
    }

    [Fact]
    public void MismatchedBatchAndTrainingUseAreRefused()
    {
        var config = TestModels.TinyConfig();
        using var model = TestModels.Random(config);
        using var scope = NewDisposeScope();
        using var cache = model.CreateCache(batchSize: 2);
        var error = Assert.Throws<ArgumentException>(() => model.Forward(TestModels.RandomIds(config, 3, 2), cache));
        Assert.Contains("2 sequences", error.Message);
        var trainingError = Assert.Throws<InvalidOperationException>(() => model.Forward(TestModels.RandomIds(config, 2, 2), cache));
        Assert.Contains("no_grad", trainingError.Message);
    }

    [Fact]
    public void ThousandDecodeStepsDoNotGrowTheLiveTensorCount()
    {
        var config = TestModels.TinyConfig();
        using var model = TestModels.Random(config);
        using var noGrad = no_grad();
        using var cache = model.CreateCache(initialCapacity: 16);
        var statistics = DisposeScopeManager.Statistics;
        var liveCounts = new List<long>();
        var rssBefore = Environment.WorkingSet;
        long token = 1;
        for (var step = 0; step < 1000; step++)
        {
            using (NewDisposeScope())
            {
                var logits = model.Forward(tensor(new[] { token }).view(1, 1), cache);
                token = logits[0, -1].argmax().item<long>();
            }
            liveCounts.Add(statistics.ThreadTotalLiveCount);
        }
        var rssAfter = Environment.WorkingSet;
        Console.WriteLine($"1000 cached decode steps: live tensors {liveCounts[9]} at step 10, {liveCounts[^1]} at step 1000 (min {liveCounts.Skip(9).Min()}, max {liveCounts.Skip(9).Max()}); RSS {rssBefore / 1048576.0:F1} MiB -> {rssAfter / 1048576.0:F1} MiB; cache capacity {cache.Capacity}");
        Assert.Equal(1000, cache.Length);
        Assert.Equal(liveCounts[9], liveCounts.Skip(9).Max());
        Assert.Equal(liveCounts[9], liveCounts[^1]);
    }

    private static void AssertIncrementalEqualsFull(int batch)
    {
        var config = TestModels.TinyConfig();
        using var model = TestModels.Random(config);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        const int prefixLength = 8, steps = 64;
        var ids = TestModels.RandomIds(config, batch, prefixLength + steps);
        var full = model.Forward(ids);

        using var cache = model.CreateCache(batchSize: batch, initialCapacity: 4);
        var incremental = new List<Tensor> { model.Forward(ids.narrow(1, 0, prefixLength), cache) };
        for (var step = 0; step < steps; step++)
            incremental.Add(model.Forward(ids.narrow(1, prefixLength + step, 1), cache));
        Assert.Equal(prefixLength + steps, cache.Length);
        var difference = TestModels.MaxAbsDiff(cat(incremental, 1), full);
        Assert.True(difference < Tolerance, $"max |Δ| = {difference}");
    }
}
