namespace PanGym.Training;

/// <summary>
/// Independent, reproducible random numbers from the run's seed without any state to save: a SplitMix64 step (Steele,
/// Lea &amp; Flood 2014) over the seed and a stream number. Each use of randomness in the trainer has its own stream.
/// </summary>
internal static class SeedMix
{
    /// <summary>The stream of the flow-matching noise generator's seed.</summary>
    public const long NoiseStream = -1;

    /// <summary>The stream of the validation noise generator's seed.</summary>
    public const long ValidationNoiseStream = -2;

    /// <summary>A 64-bit value fixed by <paramref name="seed"/> and <paramref name="stream"/> (a step number, or one of the constants above).</summary>
    public static ulong Of(int seed, long stream)
    {
        ulong z = unchecked((((ulong)(uint)seed << 32) ^ (ulong)stream) + 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }

    /// <summary>A uniform draw in [0, 1) fixed by <paramref name="seed"/> and <paramref name="stream"/>.</summary>
    public static double Uniform(int seed, long stream) => (Of(seed, stream) >> 11) * (1.0 / (1UL << 53));
}
