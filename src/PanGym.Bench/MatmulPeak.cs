using System.Diagnostics;
using static TorchSharp.torch;

namespace PanGym.Bench;

/// <summary>The machine's dense float32 matrix-product rate, the yardstick that every benchmark puts its GFLOP/s beside, measured in the same run.</summary>
public static class MatmulPeak
{
    /// <summary>GFLOP/s of an n×n by n×n float32 product (2n³ FLOPs), the best of <paramref name="repetitions"/> after a warm-up.</summary>
    public static double MeasureGflops(int size = 1024, int repetitions = 20)
    {
        using var scope = NewDisposeScope();
        var a = randn(size, size);
        var b = randn(size, size);
        a.matmul(b);
        var best = double.MaxValue;
        for (var repetition = 0; repetition < repetitions; repetition++)
        {
            using var step = NewDisposeScope();
            var start = Stopwatch.GetTimestamp();
            a.matmul(b);
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
        return 2.0 * size * size * (double)size / best / 1e9;
    }
}
