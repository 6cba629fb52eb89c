using static TorchSharp.torch;

namespace PanGym.Data;

/// <summary>
/// The rows of a global batch that one process computes in data-parallel training: rows <see cref="Offset"/> …
/// <see cref="Offset"/> + <see cref="Count"/> − 1 of <see cref="Total"/>. Random numbers that belong to rows (flow
/// noise, flow times) are drawn for the whole global batch and sliced (<see cref="Normal"/>, <see cref="Uniform"/>),
/// so that processes whose generators are in the same state together draw exactly what one process drawing for the
/// whole batch draws, and a data-parallel run computes the same losses as a single process.
/// </summary>
public sealed record BatchShard
{
    /// <summary>A shard; validated here.</summary>
    /// <param name="offset">The first row of the global batch that this process computes.</param>
    /// <param name="count">Rows this process computes, at least 1.</param>
    /// <param name="total">Rows of the global batch.</param>
    /// <exception cref="ArgumentOutOfRangeException">The rows do not lie inside the global batch.</exception>
    public BatchShard(int offset, int count, int total)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (offset + (long)count > total)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"Rows {offset} … {offset + count - 1} do not lie inside a global batch of {total} rows.");
        (Offset, Count, Total) = (offset, count, total);
    }

    /// <summary>The first row of the global batch that this process computes.</summary>
    public int Offset { get; }

    /// <summary>Rows this process computes.</summary>
    public int Count { get; }

    /// <summary>Rows of the global batch.</summary>
    public int Total { get; }

    /// <summary>Whether this process computes the whole batch (a single-process run).</summary>
    public bool IsWhole => Count == Total;

    /// <summary>The whole batch of <paramref name="total"/> rows: what a single process computes.</summary>
    public static BatchShard Whole(int total) => new(0, total, total);

    /// <summary>
    /// Rank <paramref name="rank"/>'s equal share of a global batch of <paramref name="globalBatch"/> rows split over
    /// <paramref name="ranks"/> processes: rows rank·b … rank·b + b − 1, with b = globalBatch / ranks.
    /// </summary>
    /// <exception cref="ArgumentException">The global batch is not a multiple of the rank count, or the rank is out of range.</exception>
    public static BatchShard ForRank(int rank, int ranks, int globalBatch)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ranks, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(rank);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(rank, ranks);
        if (globalBatch % ranks != 0)
            throw new ArgumentException(
                $"A global batch of {globalBatch} windows does not split evenly over {ranks} ranks: give a batch size that is a multiple of {ranks} " +
                "(the batch size is the global batch; each rank computes batch / ranks windows of it).");
        int count = globalBatch / ranks;
        return new BatchShard(rank * count, count, globalBatch);
    }

    /// <summary>This shard's rows of <paramref name="global"/>, a tensor whose first axis is the global batch.</summary>
    public Tensor Rows(Tensor global)
    {
        ArgumentNullException.ThrowIfNull(global);
        if (global.dim() == 0 || global.shape[0] != Total)
            throw new ArgumentException($"Expected a first axis of the global batch's {Total} rows; got {TensorShape.Format(global.shape)}.", nameof(global));
        return IsWhole ? global : global.narrow(0, Offset, Count);
    }

    /// <summary>
    /// Standard normal draws of shape <paramref name="shape"/> (its first axis this shard's rows): drawn for the whole
    /// global batch from <paramref name="generator"/>, then sliced. For the whole batch it is exactly <c>randn(shape)</c>.
    /// </summary>
    public Tensor Normal(ReadOnlySpan<long> shape, Device device, Generator? generator) =>
        Draw(shape, global => randn(global, device: device, generator: generator));

    /// <summary>Uniform draws in [0, 1) of shape <paramref name="shape"/>, drawn for the whole global batch then sliced, as <see cref="Normal"/>.</summary>
    public Tensor Uniform(ReadOnlySpan<long> shape, Device device, Generator? generator) =>
        Draw(shape, global => rand(global, device: device, generator: generator));

    Tensor Draw(ReadOnlySpan<long> shape, Func<long[], Tensor> draw)
    {
        if (shape.Length == 0 || shape[0] != Count)
            throw new ArgumentException($"Expected a first axis of this shard's {Count} rows; got {TensorShape.Format(shape.ToArray())}.", nameof(shape));
        long[] global = shape.ToArray();
        global[0] = Total;
        return Rows(draw(global));
    }
}
