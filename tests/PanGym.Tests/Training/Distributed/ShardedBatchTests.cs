using PanGym.Data;
using PanGym.Tests.Training;
using PanGym.Training;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace PanGym.Tests.Training.Distributed;

/// <summary>
/// The arithmetic data-parallel training rests on, checked in one process: the shards of a global batch, with their
/// slices of the flow noise, give losses and gradients whose mean over the shards is the whole batch's.
/// </summary>
public sealed class ShardedBatchTests(TrainingFixture fixture, ITestOutputHelper output) : IClassFixture<TrainingFixture>
{
    static double MaxDifference(Tensor a, Tensor b) => (a - b).abs().max().item<float>();

    [Fact]
    public void Shards_of_the_noise_are_the_rows_of_the_whole_batch_draw()
    {
        using var scope = NewDisposeScope();
        using var whole = new Generator(42, CPU);
        var expectedNormal = randn([6, 3, 5], device: CPU, generator: whole);
        var expectedUniform = rand([6], device: CPU, generator: whole);
        var normals = new List<Tensor>();
        var uniforms = new List<Tensor>();
        for (int rank = 0; rank < 3; rank++)
        {
            using var generator = new Generator(42, CPU);
            var shard = BatchShard.ForRank(rank, 3, 6);
            normals.Add(shard.Normal([2, 3, 5], CPU, generator));
            uniforms.Add(shard.Uniform([2], CPU, generator));
        }
        Assert.True(cat(normals, 0).eq(expectedNormal).all().item<bool>());
        Assert.True(cat(uniforms, 0).eq(expectedUniform).all().item<bool>());
        using var alone = new Generator(42, CPU);
        Assert.True(BatchShard.Whole(6).Normal([6, 3, 5], CPU, alone).eq(expectedNormal).all().item<bool>(), "a whole batch draws exactly randn(shape)");
    }

    [Fact]
    public void Bad_shards_are_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => BatchShard.ForRank(0, 2, 3));
        Assert.Contains("A global batch of 3 windows does not split evenly over 2 ranks", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => BatchShard.ForRank(2, 2, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BatchShard(3, 2, 4));
        Assert.Equal(new BatchShard(2, 2, 4), BatchShard.ForRank(1, 2, 4));
        using var scope = NewDisposeScope();
        Assert.Throws<ArgumentException>(() => BatchShard.ForRank(1, 2, 4).Normal([3, 1], CPU, null));
    }

    [Fact]
    public void A_sampler_gives_each_rank_its_rows_and_every_rank_the_same_next_position()
    {
        using var scope = NewDisposeScope();
        var config = new EpisodeWindowSamplerConfig(batchSize: 6, windowSteps: 2, seed: 5);
        var whole = new EpisodeWindowSampler(fixture.Dataset, config);
        var ranks = Enumerable.Range(0, 3).Select(_ => new EpisodeWindowSampler(fixture.Dataset, config)).ToList();
        for (int batch = 0; batch < 20; batch++)
        {
            using var expected = whole.NextBatch();
            var shards = ranks.Select((sampler, rank) => sampler.NextBatch(BatchShard.ForRank(rank, 3, 6))).ToList();
            Assert.True(cat(shards.Select(s => s.Frames).ToList(), 0).eq(expected.Frames).all().item<bool>(), $"batch {batch}: frames");
            Assert.Equal(expected.Windows.Select(w => (w.EpisodeId, w.Start)), shards.SelectMany(s => s.Windows).Select(w => (w.EpisodeId, w.Start)));
            Assert.Equal(expected.Actions.SelectMany(a => a), shards.SelectMany(s => s.Actions).SelectMany(a => a));
            Assert.All(ranks, sampler => Assert.Equal(whole.State, sampler.State));
            foreach (var shard in shards) shard.Dispose();
        }
        Assert.True(whole.State.Epoch > 0, "the batches crossed an epoch boundary");
        Assert.Throws<ArgumentException>(() => whole.NextBatch(BatchShard.ForRank(0, 2, 4)));
    }

    [Fact]
    public void The_mean_of_the_shards_losses_and_gradients_is_the_whole_batchs()
    {
        using var model = fixture.LoadModel();
        using var scope = NewDisposeScope();
        var parameters = model.TrainableParameters().ToList();
        var sampler = new EpisodeWindowSampler(fixture.Dataset, new EpisodeWindowSamplerConfig(batchSize: 4, windowSteps: 2, seed: 1));
        using var batch = sampler.NextBatch();
        var frames = batch.ToModelPixels();

        (float Loss, List<Tensor> Gradients) LossAndGradients(BatchShard shard)
        {
            model.zero_grad();
            using var generator = new Generator(9, CPU);
            var rows = shard.Rows(frames);
            var loss = model.Loss(rows, [.. batch.Actions.Skip(shard.Offset).Take(shard.Count)], generator, shard: shard);
            loss.Total.backward();
            return (loss.Total.item<float>(), parameters.Select(p => p.grad?.clone() ?? zeros_like(p)).ToList());
        }

        var whole = LossAndGradients(BatchShard.Whole(4));
        var (first, second) = (LossAndGradients(BatchShard.ForRank(0, 2, 4)), LossAndGradients(BatchShard.ForRank(1, 2, 4)));
        double lossDifference = Math.Abs((first.Loss + second.Loss) / 2 - whole.Loss);
        double gradientDifference = whole.Gradients.Select((g, i) => MaxDifference((first.Gradients[i] + second.Gradients[i]) / 2, g)).Max();
        double largest = whole.Gradients.Max(g => g.abs().max().item<float>());
        output.WriteLine($"whole-batch loss {whole.Loss:F6}; |mean of shards − whole|: loss {lossDifference:E2}, gradients {gradientDifference:E2} (largest gradient {largest:E2})");
        Assert.True(lossDifference < 1e-6, $"loss differs by {lossDifference}");
        Assert.True(gradientDifference < 1e-6 * Math.Max(1, largest), $"gradients differ by {gradientDifference}");
        Assert.True(first.Loss != second.Loss, "the two shards are different rows");
    }
}
