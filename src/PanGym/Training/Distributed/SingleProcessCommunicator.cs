namespace PanGym.Training.Distributed;

/// <summary>
/// The communicator of a run in one process, the trainer's default: rank 0 of 1, where a sum or maximum over the ranks
/// is the value itself. The trainer skips every collective step when there is one rank, so it costs nothing.
/// </summary>
public sealed class SingleProcessCommunicator : ICommunicator
{
    SingleProcessCommunicator()
    {
    }

    /// <summary>The one instance.</summary>
    public static SingleProcessCommunicator Instance { get; } = new();

    /// <inheritdoc/>
    public int Rank => 0;

    /// <inheritdoc/>
    public int Size => 1;

    /// <inheritdoc/>
    public void SumInPlace(Span<float> values)
    {
    }

    /// <inheritdoc/>
    public void MaxInPlace(Span<long> values)
    {
    }

    /// <inheritdoc/>
    public IReadOnlyList<byte[]> AllGather(ReadOnlySpan<byte> value) => [value.ToArray()];
}
