using System.Numerics;

namespace PanGym.Data.Video;

/// <summary>
/// A 64-bit DCT perceptual hash of a frame (the classic pHash): the luma is averaged down to 32×32, transformed with a
/// 2-D DCT-II, and each of the 8×8 lowest-frequency coefficients sets a bit when it exceeds their median. Frames that
/// look alike (recompressed, slightly shifted or rescaled) differ in few bits; the ingest drops clips whose frames
/// hash within a few bits of an earlier kept clip's as near-duplicates.
/// </summary>
public static class PerceptualHash
{
    const int Side = 32;
    const int Low = 8;
    static readonly double[,] _cosines = BuildCosines();

    /// <summary>The hash of a square luma plane of side <paramref name="size"/> (at least 32).</summary>
    /// <exception cref="ArgumentException">The plane is not <paramref name="size"/>² values, or is smaller than 32×32.</exception>
    public static ulong Of(ReadOnlySpan<float> luma, int size)
    {
        if (size < Side) throw new ArgumentException($"A perceptual hash needs frames of at least {Side}×{Side} pixels, got {size}×{size}.", nameof(size));
        if (luma.Length != size * size) throw new ArgumentException($"A luma plane of side {size} has {size * size} values, got {luma.Length}.", nameof(luma));
        var small = new double[Side, Side];
        for (int y = 0; y < Side; y++)
        {
            int y0 = y * size / Side, y1 = (y + 1) * size / Side;
            for (int x = 0; x < Side; x++)
            {
                int x0 = x * size / Side, x1 = (x + 1) * size / Side;
                double sum = 0;
                for (int yy = y0; yy < y1; yy++)
                    for (int xx = x0; xx < x1; xx++) sum += luma[yy * size + xx];
                small[y, x] = sum / ((y1 - y0) * (x1 - x0));
            }
        }
        // Separable DCT-II, keeping only the Low × Low lowest frequencies.
        var rows = new double[Side, Low];
        for (int y = 0; y < Side; y++)
            for (int u = 0; u < Low; u++)
            {
                double sum = 0;
                for (int x = 0; x < Side; x++) sum += small[y, x] * _cosines[u, x];
                rows[y, u] = sum;
            }
        var coefficients = new double[Low * Low];
        for (int v = 0; v < Low; v++)
            for (int u = 0; u < Low; u++)
            {
                double sum = 0;
                for (int y = 0; y < Side; y++) sum += rows[y, u] * _cosines[v, y];
                coefficients[v * Low + u] = sum;
            }
        var withoutDc = coefficients[1..];
        Array.Sort(withoutDc);
        double median = withoutDc[withoutDc.Length / 2];
        ulong hash = 0;
        for (int i = 0; i < coefficients.Length; i++)
            if (coefficients[i] > median) hash |= 1UL << i;
        return hash;
    }

    /// <summary>How many bits two hashes differ in (0 … 64).</summary>
    public static int Distance(ulong a, ulong b) => BitOperations.PopCount(a ^ b);

    static double[,] BuildCosines()
    {
        var table = new double[Low, Side];
        for (int u = 0; u < Low; u++)
            for (int x = 0; x < Side; x++)
                table[u, x] = Math.Cos((2 * x + 1) * u * Math.PI / (2 * Side));
        return table;
    }
}
