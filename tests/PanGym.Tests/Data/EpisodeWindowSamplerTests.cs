using System.Text.Json;
using PanGym.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace PanGym.Tests.Data;

public sealed class EpisodeWindowSamplerTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("pangym-sampler-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>Five training episodes (one too short for windows of 4 steps) and one validation episode.</summary>
    EpisodeDataset Dataset() => TestEpisodes.Write(Path.Combine(_root, "dataset"), [6, 3, 8, 4, 5, 7],
        [EpisodeSplit.Train, EpisodeSplit.Train, EpisodeSplit.Train, EpisodeSplit.Train, EpisodeSplit.Train, EpisodeSplit.Validation]);

    static List<(string Id, int Start)> Take(EpisodeWindowSampler sampler, int batches)
    {
        var windows = new List<(string, int)>();
        for (int i = 0; i < batches; i++)
        {
            using var batch = sampler.NextBatch();
            windows.AddRange(batch.Windows.Select(w => (w.EpisodeId, w.Start)));
        }
        return windows;
    }

    [Fact]
    public void Batches_hold_consecutive_frames_and_their_actions_from_one_split()
    {
        var dataset = Dataset();
        var sampler = new EpisodeWindowSampler(dataset, new EpisodeWindowSamplerConfig(batchSize: 3, windowSteps: 4, seed: 1));
        Assert.Equal(4, sampler.EpisodeCount);
        Assert.Equal(1, sampler.SkippedEpisodes);
        Assert.Equal(3 + 5 + 1 + 2, sampler.WindowCount);
        for (int i = 0; i < 6; i++)
        {
            using var scope = NewDisposeScope();
            using var batch = sampler.NextBatch();
            Assert.Equal(ScalarType.Byte, batch.Frames.dtype);
            Assert.Equal(new long[] { 3, 5, 32, 32, 3 }, batch.Frames.shape);
            for (int b = 0; b < 3; b++)
            {
                var window = batch.Windows[b];
                int episode = int.Parse(window.EpisodeId[1..]);
                Assert.NotEqual(1, episode);
                Assert.NotEqual(5, episode);
                Assert.Equal(TestEpisodes.Actions(episode, 10).Skip(window.Start).Take(4), batch.Actions[b]);
                for (int k = 0; k <= 4; k++)
                    Assert.Equal((episode, window.Start + k), TestEpisodes.Decode(batch.Frames[b, k].contiguous().bytes));
            }
            var pixels = batch.ToModelPixels();
            Assert.Equal(ScalarType.Float32, pixels.dtype);
            Assert.Equal(new long[] { 3, 5, 3, 32, 32 }, pixels.shape);
            Assert.Equal(200 / 127.5f - 1, pixels[0, 0, 2, 7, 9].item<float>(), 6);
            Assert.True(pixels.min().item<float>() >= -1 && pixels.max().item<float>() <= 1);
        }

        var validation = new EpisodeWindowSampler(dataset, new EpisodeWindowSamplerConfig(2, 4, EpisodeSplit.Validation));
        Assert.All(Take(validation, 3), w => Assert.Equal("e000005", w.Id));
    }

    [Fact]
    public void An_epoch_visits_every_window_once_in_a_seeded_order()
    {
        var dataset = Dataset();
        var config = new EpisodeWindowSamplerConfig(batchSize: 11, windowSteps: 4, seed: 7);
        var first = Take(new EpisodeWindowSampler(dataset, config), 3);
        var again = Take(new EpisodeWindowSampler(dataset, config), 3);
        var otherSeed = Take(new EpisodeWindowSampler(dataset, new EpisodeWindowSamplerConfig(11, 4, seed: 8)), 3);
        Assert.Equal(first, again);
        Assert.NotEqual(first, otherSeed);

        var all = dataset.EpisodesIn(EpisodeSplit.Train).Where(e => e.Steps >= 4)
            .SelectMany(e => Enumerable.Range(0, e.Steps - 3).Select(s => (e.Id, s))).Order().ToList();
        for (int epoch = 0; epoch < 3; epoch++)
            Assert.Equal(all, first.Skip(epoch * 11).Take(11).Order());
        Assert.NotEqual(first.Take(11), first.Skip(11).Take(11));
    }

    [Fact]
    public void A_restored_state_reproduces_the_next_batches()
    {
        var dataset = Dataset();
        var config = new EpisodeWindowSamplerConfig(batchSize: 4, windowSteps: 2, seed: 3);
        var original = new EpisodeWindowSampler(dataset, config);
        Take(original, 5);
        string saved = JsonSerializer.Serialize(original.State);
        var state = JsonSerializer.Deserialize<EpisodeWindowSamplerState>(saved)!;
        Assert.Equal(original.State, state);
        Assert.Equal(new EpisodeWindowSamplerState(3, 0, 20), state);
        var expected = Take(original, 8);
        using var expectedFrames = original.NextBatch();

        var resumed = new EpisodeWindowSampler(dataset, config, state);
        Assert.Equal(expected, Take(resumed, 8));
        using var frames = resumed.NextBatch();
        Assert.Equal(expectedFrames.Frames.bytes.ToArray(), frames.Frames.bytes.ToArray());

        original.Restore(state);
        Assert.Equal(expected, Take(original, 8));

        Assert.Contains("seed 9", Assert.Throws<ArgumentException>(() => original.Restore(state with { Seed = 9 })).Message);
        Assert.Contains("does not fit", Assert.Throws<ArgumentException>(() => original.Restore(state with { Index = 1000 })).Message);
    }

    [Fact]
    public void The_cache_stays_within_its_byte_budget_and_no_tensor_leaks()
    {
        var dataset = TestEpisodes.Write(Path.Combine(_root, "many"), [.. Enumerable.Repeat(9, 20)]);
        long episodeBytes = 10 * 32 * 32 * 3;
        var sampler = new EpisodeWindowSampler(dataset, new EpisodeWindowSamplerConfig(4, 3, cacheBytes: episodeBytes * 5 / 2));
        var statistics = DisposeScopeManager.Statistics;
        var live = new List<long>();
        for (int i = 0; i < 200; i++)
        {
            using (NewDisposeScope())
            {
                var batch = sampler.NextBatch();
                batch.ToModelPixels();
            }
            Assert.InRange(sampler.CachedBytes, 0, episodeBytes * 5 / 2);
            Assert.InRange(sampler.CachedEpisodes, 0, 2);
            live.Add(statistics.ThreadTotalLiveCount);
        }
        Console.WriteLine($"200 batches, 2.5-episode cache: {sampler.EpisodeReads} episode reads, {sampler.CachedBytes} bytes cached, live tensors {live[0]} -> {live[^1]}");
        Assert.Equal(live[0], live[^1]);
        Assert.True(sampler.EpisodeReads > 20);

        var roomy = new EpisodeWindowSampler(dataset, new EpisodeWindowSamplerConfig(4, 3, cacheBytes: episodeBytes * 20));
        Take(roomy, 200);
        Assert.Equal(20, roomy.EpisodeReads);
        var none = new EpisodeWindowSampler(dataset, new EpisodeWindowSamplerConfig(4, 3, cacheBytes: 0));
        Take(none, 5);
        Assert.Equal(0, none.CachedEpisodes);
        Assert.Equal(20, none.EpisodeReads);
    }

    [Fact]
    public void A_split_without_long_enough_episodes_is_refused()
    {
        var dataset = Dataset();
        var error = Assert.Throws<ArgumentException>(() => new EpisodeWindowSampler(dataset, new EpisodeWindowSamplerConfig(2, 9)));
        Assert.Contains("no episode of at least 9 steps", error.Message);
        Assert.Contains("the longest of 8 steps", error.Message);
    }

    [Fact]
    public void Model_pixels_map_bytes_to_minus_one_to_one_and_back()
    {
        using var scope = NewDisposeScope();
        var bytes = arange(0, 256, ScalarType.Int32).to_type(ScalarType.Byte).reshape(1, 16, 16, 1).expand(2, 16, 16, 3).contiguous();
        var pixels = ModelPixels.FromBytes(bytes);
        Assert.Equal(new long[] { 2, 3, 16, 16 }, pixels.shape);
        Assert.Equal(-1f, pixels.min().item<float>());
        Assert.Equal(1f, pixels.max().item<float>());
        Assert.Equal(bytes.bytes.ToArray(), ModelPixels.ToBytes(pixels).bytes.ToArray());
        Assert.True(ModelPixels.ToBytes(full(new long[] { 3, 2, 2 }, 1.7f)).eq(255).all().item<bool>());
        Assert.Throws<ArgumentException>(() => ModelPixels.FromBytes(zeros(2, 3, 4)));
    }
}
