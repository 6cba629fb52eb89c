namespace PanGym.Data;

/// <summary>What an <see cref="EpisodeWindowSampler"/> draws: batches of windows of one split, in a seeded order.</summary>
public sealed record EpisodeWindowSamplerConfig
{
    /// <summary>Default byte budget of the decoded-episode cache: 64 MiB.</summary>
    public const long DefaultCacheBytes = 64L << 20;

    /// <summary>A configuration.</summary>
    /// <param name="batchSize">Windows per batch (B), at least 1.</param>
    /// <param name="windowSteps">Actions per window (L), at least 1; a window has L + 1 frames.</param>
    /// <param name="split">The split the windows come from.</param>
    /// <param name="seed">Fixes the order of the windows in every epoch.</param>
    /// <param name="cacheBytes">Most bytes of decoded episodes kept between batches (0 keeps none).</param>
    public EpisodeWindowSamplerConfig(int batchSize, int windowSteps, EpisodeSplit split = EpisodeSplit.Train, int seed = 0, long cacheBytes = DefaultCacheBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(windowSteps, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(cacheBytes);
        if (!Enum.IsDefined(split)) throw new ArgumentOutOfRangeException(nameof(split), split, "Unknown split.");
        (BatchSize, WindowSteps, Split, Seed, CacheBytes) = (batchSize, windowSteps, split, seed, cacheBytes);
    }

    /// <summary>Windows per batch (B).</summary>
    public int BatchSize { get; }

    /// <summary>Actions per window (L).</summary>
    public int WindowSteps { get; }

    /// <summary>The split the windows come from.</summary>
    public EpisodeSplit Split { get; }

    /// <summary>The seed of the window order.</summary>
    public int Seed { get; }

    /// <summary>Byte budget of the decoded-episode cache.</summary>
    public long CacheBytes { get; }
}
