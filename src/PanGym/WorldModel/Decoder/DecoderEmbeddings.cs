using TorchSharp;
using static TorchSharp.torch;

namespace PanGym.WorldModel;

/// <summary>The fixed sinusoidal embeddings of a <see cref="FlowMatchingDecoder"/>: of flow time, and of patch position.</summary>
internal static class DecoderEmbeddings
{
    /// <summary>Frequencies in the sinusoidal flow-time embedding (as DiT's timestep embedder).</summary>
    public const int TimeFrequencies = 256;

    /// <summary>τ ∈ [0, 1] is scaled to the range of diffusion timesteps before the sinusoids.</summary>
    private const double TimeScale = 1000.0;

    /// <summary>
    /// <see cref="TimeScale"/> as a Scalar that lives as long as the process: TorchSharp 0.107 does not keep a temporary
    /// Scalar alive through the native call it is passed to (see the decoder's Gap), so hot paths avoid temporary scalars.
    /// </summary>
    private static readonly Scalar _timeScaleScalar = TimeScale.ToScalar();

    /// <summary>Sinusoidal embedding of flow times [B, C] → [B, C, 256] (cos and sin of τ·1000 at geometric frequencies).</summary>
    public static Tensor Time(Tensor tau)
    {
        const int half = TimeFrequencies / 2;
        var frequencies = exp(arange(half, ScalarType.Float32, tau.device) * (-Math.Log(10000.0) / half));
        var angles = (tau * _timeScaleScalar).unsqueeze(-1) * frequencies;
        return cat([cos(angles), sin(angles)], dim: -1);
    }

    /// <summary>
    /// The fixed 2-D sine-cosine position table of MAE and DiT, [side², width]: a quarter of the channels each for
    /// sin and cos of the row and of the column at geometric frequencies. It initialises the (trainable) patch
    /// positions, so that attention can find a patch's neighbours in other chunks from the first step.
    /// </summary>
    public static Tensor SinCosPositions(int side, int width)
    {
        using var scope = NewDisposeScope();
        var quarter = width / 4;
        var frequencies = exp(arange(quarter, ScalarType.Float32) * (-Math.Log(10000.0) / quarter));
        var rows = arange(side, ScalarType.Float32).repeat_interleave(side).unsqueeze(1) * frequencies;
        var columns = arange(side, ScalarType.Float32).repeat(side).unsqueeze(1) * frequencies;
        return cat([sin(rows), cos(rows), sin(columns), cos(columns)], dim: 1).MoveToOuterDisposeScope();
    }
}
