using TorchSharp;

namespace PanGym.IO;

/// <summary>
/// Walks the storage of a contiguous CPU tensor as a sequence of byte spans, so data can be copied straight
/// between the tensor and a file or a memory map without a managed copy of the whole tensor
/// (and past the 2 GiB limit of a single <see cref="Span{T}"/>).
/// </summary>
internal static class TensorByteChunks
{
    private const long ChunkBytes = 64L << 20;

    /// <summary>
    /// Calls <paramref name="visit"/> with each chunk of <paramref name="tensor"/>'s bytes and the chunk's
    /// byte offset within the tensor, in order. The tensor must be contiguous and on the CPU.
    /// </summary>
    public static void ForEach(torch.Tensor tensor, Action<Span<byte>, long> visit)
    {
        long count = tensor.numel();
        if (count == 0)
        {
            return;
        }
        long elementSize = tensor.element_size();
        long elementsPerChunk = Math.Max(1, ChunkBytes / elementSize);
        using var flat = tensor.view(-1);
        for (long start = 0; start < count; start += elementsPerChunk)
        {
            using var chunk = flat.narrow(0, start, Math.Min(elementsPerChunk, count - start));
            visit(chunk.bytes, start * elementSize);
        }
    }
}
