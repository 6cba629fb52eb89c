using static TorchSharp.torch;

namespace PanGym.Backbone;

/// <summary>
/// Rotary position embeddings in the rotate-half form (Su et al. 2021, "RoFormer"; transformers'
/// <c>Qwen2RotaryEmbedding</c> and <c>apply_rotary_pos_emb</c>): inverse frequencies θ^(−2i/d) and the angles
/// position × frequency are computed in float32, their cosine and sine are cast to the activation dtype, and
/// x ↦ x·cos + rotate_half(x)·sin with rotate_half([x₁, x₂]) = [−x₂, x₁].
/// </summary>
internal static class RotaryEmbedding
{
    /// <summary>
    /// cos and sin tables for the given positions, shaped [B or 1, 1, T, headDim] to broadcast over heads.
    /// </summary>
    /// <param name="positions">Absolute positions, [B, T] or [1, T], integer.</param>
    /// <param name="headDim">Width of one head d.</param>
    /// <param name="theta">Base θ of the frequencies.</param>
    /// <param name="dtype">Dtype the tables are cast to (the activation dtype).</param>
    public static (Tensor Cos, Tensor Sin) CosSin(Tensor positions, int headDim, double theta, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var exponents = arange(0, headDim, 2, dtype: ScalarType.Int64, device: positions.device).to(ScalarType.Float32) / headDim;
        var inverseFrequencies = full_like(exponents, theta).pow(exponents).reciprocal();
        var angles = positions.to(ScalarType.Float32).unsqueeze(-1) * inverseFrequencies;
        var doubled = cat([angles, angles], dim: -1).unsqueeze(1);
        var cos = doubled.cos().to(dtype);
        var sin = doubled.sin().to(dtype);
        return (cos.MoveToOuterDisposeScope(), sin.MoveToOuterDisposeScope());
    }

    /// <summary>Rotates x ([B, heads, T, headDim]) by the angles whose cos and sin are given.</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        using var scope = NewDisposeScope();
        var half = x.shape[^1] / 2;
        var rotated = cat([-x.narrow(-1, half, half), x.narrow(-1, 0, half)], dim: -1);
        return (x * cos + rotated * sin).MoveToOuterDisposeScope();
    }
}
