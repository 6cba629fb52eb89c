using PanGym.Training.Distributed;

namespace PanGym.Tests.Training.Distributed;

/// <summary>
/// A rank of a job whose other ranks are simulated: each collective combines this rank's values with what
/// <c>peers</c> says the other ranks contributed (given this rank's values and the collective's position in the flat
/// stream of floats summed so far), so that the collective steps can be checked in one process.
/// </summary>
internal sealed class SimulatedPeersCommunicator(int rank, int size, Func<long, float, float>? peerSum = null, Func<byte[], IReadOnlyList<byte[]>>? gather = null)
    : ICommunicator
{
    long _summed;

    public int Rank => rank;

    public int Size => size;

    /// <summary>Floats summed so far (the position of the next one in the stream).</summary>
    public long Summed => _summed;

    /// <summary>All-reduce calls made.</summary>
    public int SumCalls { get; private set; }

    public void SumInPlace(Span<float> values)
    {
        SumCalls++;
        for (int i = 0; i < values.Length; i++) values[i] += (peerSum ?? ((_, mine) => (size - 1) * mine))(_summed + i, values[i]);
        _summed += values.Length;
    }

    public void MaxInPlace(Span<long> values)
    {
    }

    public IReadOnlyList<byte[]> AllGather(ReadOnlySpan<byte> value)
    {
        byte[] mine = value.ToArray();
        return gather?.Invoke(mine) ?? [.. Enumerable.Range(0, size).Select(_ => mine)];
    }
}
