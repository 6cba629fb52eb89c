using PanGym.Gym;
using TorchSharp;

namespace PanGym.Data;

/// <summary>
/// Draws training batches from an <see cref="EpisodeDataset"/>: B windows of L + 1 consecutive frames and the L actions
/// between them, for a world model that conditions on history. Streams from disk: only the episodes a batch needs are
/// read, and a few decoded episodes are cached within a byte budget.
/// </summary>
/// <remarks>
/// <para>Windows: every run of L + 1 consecutive frames inside an episode of the chosen split (stride 1, never across
/// episodes). Episodes with fewer than L steps have no window and are skipped (<see cref="SkippedEpisodes"/>); nothing
/// is padded.</para>
/// <para>Order: each epoch visits every window once, in a permutation fixed by the seed and the epoch number; a batch
/// that reaches the end of an epoch continues into the next, so every batch is full. The position is
/// <see cref="State"/>; <see cref="Restore"/> (or the constructor) puts a sampler back there, so a resumed training
/// run sees exactly the batches an uninterrupted one would. The permutation of the current epoch is held in memory
/// (4 bytes a window, far below the frames it indexes).</para>
/// </remarks>
public sealed class EpisodeWindowSampler
{
    readonly EpisodeRecord[] _episodes;
    readonly long[] _firstWindow;
    readonly EpisodeFrameCache _cache;
    int[] _order = [];
    long _orderEpoch = -1;
    long _epoch;
    long _index;

    /// <summary>A sampler over <paramref name="dataset"/>, at <paramref name="state"/> or at the start of epoch 0.</summary>
    /// <exception cref="ArgumentException">The split has no episode long enough for one window, or the state does not fit.</exception>
    public EpisodeWindowSampler(EpisodeDataset dataset, EpisodeWindowSamplerConfig config, EpisodeWindowSamplerState? state = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(config);
        Dataset = dataset;
        Config = config;
        var split = dataset.EpisodesIn(config.Split);
        _episodes = [.. split.Where(e => e.Steps >= config.WindowSteps)];
        SkippedEpisodes = split.Count - _episodes.Length;
        if (_episodes.Length == 0)
            throw new ArgumentException(
                $"The {EpisodeDatasetJson.SplitName(config.Split)} split of the data set at {dataset.Folder} has no episode of at least {config.WindowSteps} steps " +
                $"(windows of {config.WindowSteps + 1} frames): it has {split.Count} episodes" +
                (split.Count > 0 ? $", the longest of {split.Max(e => e.Steps)} steps." : "."), nameof(config));
        _firstWindow = new long[_episodes.Length + 1];
        for (int i = 0; i < _episodes.Length; i++) _firstWindow[i + 1] = _firstWindow[i] + _episodes[i].Steps - config.WindowSteps + 1;
        if (_firstWindow[^1] > Array.MaxLength)
            throw new ArgumentException($"The split has {_firstWindow[^1]} windows, more than one epoch's order can hold ({Array.MaxLength}); use longer windows or fewer episodes.", nameof(dataset));
        WindowCount = (int)_firstWindow[^1];
        _cache = new EpisodeFrameCache(dataset, config.CacheBytes);
        if (state is not null) Restore(state);
    }

    /// <summary>The data set the windows come from.</summary>
    public EpisodeDataset Dataset { get; }

    /// <summary>Batch size, window length, split, seed and cache budget.</summary>
    public EpisodeWindowSamplerConfig Config { get; }

    /// <summary>Windows in one epoch.</summary>
    public int WindowCount { get; }

    /// <summary>Episodes of the split with at least one window.</summary>
    public int EpisodeCount => _episodes.Length;

    /// <summary>Episodes of the split shorter than one window (fewer than L steps), which are never drawn.</summary>
    public int SkippedEpisodes { get; }

    /// <summary>Where the next batch starts.</summary>
    public EpisodeWindowSamplerState State => new(Config.Seed, _epoch, _index);

    /// <summary>Bytes of decoded episodes held in the cache (never more than <see cref="EpisodeWindowSamplerConfig.CacheBytes"/>).</summary>
    public long CachedBytes => _cache.Bytes;

    /// <summary>Episodes held in the cache.</summary>
    public int CachedEpisodes => _cache.Count;

    /// <summary>Episodes read from disk so far.</summary>
    public long EpisodeReads => _cache.Reads;

    /// <summary>Moves to <paramref name="state"/>, a <see cref="State"/> of a sampler with the same data set and configuration.</summary>
    /// <exception cref="ArgumentException">The state has another seed, or a position outside this sampler's epochs.</exception>
    public void Restore(EpisodeWindowSamplerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Seed != Config.Seed)
            throw new ArgumentException($"The sampler state was saved with seed {state.Seed}, but this sampler's seed is {Config.Seed}.", nameof(state));
        if (state.Epoch < 0 || state.Index < 0 || state.Index >= WindowCount)
            throw new ArgumentException(
                $"The sampler state (epoch {state.Epoch}, index {state.Index}) does not fit this sampler ({WindowCount} windows an epoch); was the data set or the window length changed?",
                nameof(state));
        (_epoch, _index) = (state.Epoch, state.Index);
    }

    /// <summary>
    /// The next <see cref="EpisodeWindowSamplerConfig.BatchSize"/> windows: frames as a new uint8 tensor
    /// [B, L+1, H, W, 3] (it joins the current dispose scope), actions and origins. The position moves on only when
    /// the batch was read whole.
    /// </summary>
    /// <param name="shard">
    /// In data-parallel training, the rows of the batch (the global batch) that this process takes: only their windows
    /// are read and returned, and the position moves past the whole batch, so the processes' shards together are the
    /// batch a single process draws. Null: the whole batch.
    /// </param>
    /// <exception cref="EpisodeDatasetException">An episode's frames file is missing or corrupt.</exception>
    /// <exception cref="ArgumentException">The shard is of a batch of another size.</exception>
    public EpisodeWindowBatch NextBatch(BatchShard? shard = null)
    {
        shard ??= BatchShard.Whole(Config.BatchSize);
        if (shard.Total != Config.BatchSize)
            throw new ArgumentException($"The shard is of a batch of {shard.Total} windows, but this sampler draws batches of {Config.BatchSize}.", nameof(shard));
        int batch = shard.Count, steps = Config.WindowSteps;
        int frameBytes = Dataset.Info.FrameHeight * Dataset.Info.FrameWidth * Image.Channels;
        int windowBytes = checked((steps + 1) * frameBytes);
        var buffer = new byte[checked(batch * windowBytes)];
        var windows = new EpisodeWindow[batch];
        var (epoch, index) = (_epoch, _index);
        for (int row = 0; row < shard.Total; row++)
        {
            int b = row - shard.Offset;
            if (b >= 0 && b < batch)
            {
                var (episode, start) = Locate(OrderOf(epoch)[index]);
                Array.Copy(_cache.Get(episode), (long)start * frameBytes, buffer, (long)b * windowBytes, windowBytes);
                windows[b] = new EpisodeWindow(episode.Id, start, [.. episode.Actions.Skip(start).Take(steps)]);
            }
            if (++index == WindowCount) (epoch, index) = (epoch + 1, 0);
        }
        (_epoch, _index) = (epoch, index);
        var frames = torch.tensor(buffer, [batch, steps + 1, Dataset.Info.FrameHeight, Dataset.Info.FrameWidth, Image.Channels]);
        return new EpisodeWindowBatch(frames, windows);
    }

    /// <summary>The permutation of the windows in <paramref name="epoch"/> (Fisher–Yates, seeded by the seed and the epoch).</summary>
    int[] OrderOf(long epoch)
    {
        if (epoch == _orderEpoch) return _order;
        var order = new int[WindowCount];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        new Random(EpochSeed(Config.Seed, epoch)).Shuffle(order);
        (_order, _orderEpoch) = (order, epoch);
        return order;
    }

    (EpisodeRecord Episode, int Start) Locate(int window)
    {
        int found = Array.BinarySearch(_firstWindow, window);
        int episode = found >= 0 ? found : ~found - 1;
        return (_episodes[episode], (int)(window - _firstWindow[episode]));
    }

    /// <summary>A seed for one epoch's order: a SplitMix64 step over the sampler seed and the epoch, kept to 31 bits.</summary>
    static int EpochSeed(int seed, long epoch)
    {
        ulong z = unchecked(((ulong)(uint)seed << 32 ^ (ulong)epoch) + 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return (int)((z ^ (z >> 31)) & int.MaxValue);
    }
}
