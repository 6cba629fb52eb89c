using static TorchSharp.torch;

namespace PanGym.WorldModel;

/// <summary>
/// Scaled dot-product attention over heads, shared by the encoder's and the decoder's blocks (the Qwen2 backbone keeps
/// its own, with grouped queries and rotary positions): the projections stay in the blocks, which own their weights.
/// </summary>
public static class MultiHeadAttention
{
    /// <summary>Attention of <paramref name="query"/> [B, L, W] over <paramref name="key"/> and <paramref name="value"/> [B, S, W] in <paramref name="heads"/> heads → [B, L, W].</summary>
    /// <param name="query">Projected queries.</param>
    /// <param name="key">Projected keys.</param>
    /// <param name="value">Projected values.</param>
    /// <param name="heads">Heads; W must divide by it.</param>
    /// <param name="mask">Optional [L, S] bool mask: query i may read source j only where it is true.</param>
    public static Tensor Attend(Tensor query, Tensor key, Tensor value, int heads, Tensor? mask = null)
    {
        long batch = query.shape[0], length = query.shape[1], width = query.shape[2];
        Tensor Split(Tensor t) => t.reshape(batch, t.shape[1], heads, width / heads).transpose(1, 2);
        var attended = nn.functional.scaled_dot_product_attention(Split(query), Split(key), Split(value), mask);
        return attended.transpose(1, 2).reshape(batch, length, width);
    }
}
