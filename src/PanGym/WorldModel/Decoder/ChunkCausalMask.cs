using static TorchSharp.torch;

namespace PanGym.WorldModel;

/// <summary>
/// The chunk-causal attention mask of Causal Swin-DPM (PAN §3.3): the tokens of chunk i attend to every token of chunks
/// 0…i and to none of a later chunk. Inside a chunk attention is full. The matrix is block lower-triangular.
/// </summary>
public static class ChunkCausalMask
{
    /// <summary>
    /// A boolean mask [C·T, C·T] for <paramref name="chunkCount"/> chunks of <paramref name="tokensPerChunk"/> tokens laid
    /// out chunk after chunk; entry (q, k) is true when query token q may attend to key token k (the convention of
    /// <c>scaled_dot_product_attention</c>).
    /// </summary>
    public static Tensor Build(int chunkCount, int tokensPerChunk, Device? device = null)
    {
        if (chunkCount <= 0) throw new ArgumentException($"chunkCount must be positive, got {chunkCount}.", nameof(chunkCount));
        if (tokensPerChunk <= 0) throw new ArgumentException($"tokensPerChunk must be positive, got {tokensPerChunk}.", nameof(tokensPerChunk));
        using var scope = NewDisposeScope();
        var chunkOfToken = arange(chunkCount, ScalarType.Int64, device).repeat_interleave(tokensPerChunk);
        return chunkOfToken.unsqueeze(1).ge(chunkOfToken.unsqueeze(0)).MoveToOuterDisposeScope();
    }
}
