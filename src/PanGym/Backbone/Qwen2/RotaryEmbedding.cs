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
        var angles = positions.to(ScalarType.Float32).unsqueeze(-1) * InverseFrequencies(headDim, theta, positions.device);
        return KeepTables(Tables(angles.unsqueeze(1), dtype));
    }

    /// <summary>
    /// Multimodal rotary tables (M-RoPE, Qwen2-VL; transformers' <c>apply_multimodal_rotary_pos_emb</c>): each position
    /// has a temporal, a height and a width component, and of each head's headDim / 2 frequency pairs the first
    /// <c>sections[0]</c> turn with the temporal component, the next <c>sections[1]</c> with the height and the rest
    /// with the width. Three equal components give exactly the tables of <see cref="CosSin"/>.
    /// </summary>
    /// <param name="positions">Positions [3, B or 1, T], integer: temporal, height, width.</param>
    /// <param name="headDim">Width of one head d.</param>
    /// <param name="theta">Base θ of the frequencies.</param>
    /// <param name="sections">Frequency pairs per component; they sum to d / 2.</param>
    /// <param name="dtype">Dtype the tables are cast to.</param>
    public static (Tensor Cos, Tensor Sin) MultimodalCosSin(Tensor positions, int headDim, double theta, IReadOnlyList<int> sections, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var angles = positions.to(ScalarType.Float32).unsqueeze(-1) * InverseFrequencies(headDim, theta, positions.device);
        var parts = new List<Tensor>();
        long start = 0;
        for (int component = 0; component < sections.Count; component++)
        {
            parts.Add(angles[component].narrow(-1, start, sections[component]));
            start += sections[component];
        }
        return KeepTables(Tables(cat(parts, dim: -1).unsqueeze(1), dtype));
    }

    /// <summary>The rotary inverse frequencies θ^(−2i/d), i = 0 … d/2 − 1, in float32 as transformers computes them.</summary>
    public static Tensor InverseFrequencies(int dimension, double theta, Device device)
    {
        using var scope = NewDisposeScope();
        var exponents = arange(0, dimension, 2, dtype: ScalarType.Int64, device: device).to(ScalarType.Float32) / dimension;
        return full_like(exponents, theta).pow(exponents).reciprocal().MoveToOuterDisposeScope();
    }

    /// <summary>cos and sin of the angles [.., d/2] repeated to [.., d] (rotate-half pairs i and i + d/2 share an angle), cast to dtype.</summary>
    public static (Tensor Cos, Tensor Sin) Tables(Tensor angles, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var doubled = cat([angles, angles], dim: -1);
        return (doubled.cos().to(dtype).MoveToOuterDisposeScope(), doubled.sin().to(dtype).MoveToOuterDisposeScope());
    }

    private static (Tensor Cos, Tensor Sin) KeepTables((Tensor Cos, Tensor Sin) tables) =>
        (tables.Cos.MoveToOuterDisposeScope(), tables.Sin.MoveToOuterDisposeScope());

    /// <summary>Rotates x ([B, heads, T, headDim]) by the angles whose cos and sin are given.</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        using var scope = NewDisposeScope();
        var half = x.shape[^1] / 2;
        var rotated = cat([-x.narrow(-1, half, half), x.narrow(-1, 0, half)], dim: -1);
        return (x * cos + rotated * sin).MoveToOuterDisposeScope();
    }
}
