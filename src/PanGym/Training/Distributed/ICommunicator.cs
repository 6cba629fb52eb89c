namespace PanGym.Training.Distributed;

/// <summary>
/// The collective operations that data-parallel training needs from the processes (ranks) of one job: each rank holds
/// a full replica of the model, computes gradients on its share of every global batch, and the ranks average them
/// before the optimizer step. <see cref="SingleProcessCommunicator"/> is the one-process default (every operation is a
/// no-op); <see cref="MpiCommunicator"/> runs the ranks of an <c>mpiexec</c> job over MPI. Every rank must call the
/// same operations in the same order: a collective returns once all ranks have entered it.
/// </summary>
public interface ICommunicator
{
    /// <summary>This process's rank, 0 … <see cref="Size"/> − 1; rank 0 writes the run's files.</summary>
    int Rank { get; }

    /// <summary>Ranks in the job.</summary>
    int Size { get; }

    /// <summary>Replaces <paramref name="values"/> on every rank with their element-wise sum over all ranks (an all-reduce).</summary>
    void SumInPlace(Span<float> values);

    /// <summary>Replaces <paramref name="values"/> on every rank with their element-wise maximum over all ranks (an all-reduce).</summary>
    void MaxInPlace(Span<long> values);

    /// <summary>Every rank's <paramref name="value"/>, in rank order, on every rank (an all-gather; the values may differ in length).</summary>
    IReadOnlyList<byte[]> AllGather(ReadOnlySpan<byte> value);
}
