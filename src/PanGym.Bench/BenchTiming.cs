using System.Diagnostics;
using static TorchSharp.torch;

namespace PanGym.Bench;

/// <summary>
/// How the benchmarks time a piece of work: the fastest of repeated runs (the estimate least disturbed by other processes
/// on shared cores), each in its own dispose scope, until a time budget or a run count is used up.
/// </summary>
internal static class BenchTiming
{
    /// <summary>The fastest of at least one and at most <paramref name="maxRuns"/> runs, stopping once they have used <paramref name="budgetSeconds"/>; with <paramref name="warmUp"/> one untimed run first.</summary>
    public static double Fastest(Action run, int maxRuns, double budgetSeconds, bool warmUp = false)
    {
        if (warmUp)
            using (NewDisposeScope()) run();
        var times = new List<double>();
        double total = 0;
        do
        {
            using var scope = NewDisposeScope();
            var start = Stopwatch.GetTimestamp();
            run();
            times.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
            total += times[^1];
        }
        while (times.Count < maxRuns && total < budgetSeconds);
        return times.Min();
    }
}
