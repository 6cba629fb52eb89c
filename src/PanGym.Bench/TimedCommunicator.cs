using System.Diagnostics;
using PanGym.Training.Distributed;

namespace PanGym.Bench;

/// <summary>A communicator that times the gradient all-reduce (its sums), to measure its share of a step.</summary>
internal sealed class TimedCommunicator(ICommunicator inner) : ICommunicator
{
    long _sumTicks;

    public int Rank => inner.Rank;

    public int Size => inner.Size;

    /// <summary>Time spent in <see cref="SumInPlace"/> so far.</summary>
    public TimeSpan SumTime => Stopwatch.GetElapsedTime(0, _sumTicks);

    public void SumInPlace(Span<float> values)
    {
        long start = Stopwatch.GetTimestamp();
        inner.SumInPlace(values);
        _sumTicks += Stopwatch.GetTimestamp() - start;
    }

    public void MaxInPlace(Span<long> values) => inner.MaxInPlace(values);

    public IReadOnlyList<byte[]> AllGather(ReadOnlySpan<byte> value) => inner.AllGather(value);
}
