using static TorchSharp.torch;

namespace PanGym.Imagination;

/// <summary>
/// A linear read-out of quantities (for example an object's position) from latent states, fitted by ridge regression on
/// encodings of frames whose quantities are known. It turns a latent state into a dense, cheap reward signal (distance of
/// the read-out position from a goal) without decoding a frame; how well it reads the encoder's latents is measured
/// by <see cref="Rmse"/> on held-out frames.
/// </summary>
/// <remarks>
/// Features are the flattened latent [N·D], standardised with the fitting set's mean and spread; the weights solve
/// (XᵀX + λ·M·I) W = XᵀY in float64 (λ scaled by the sample count M, the bias not penalised).
/// </remarks>
public sealed class LatentLinearProbe : IDisposable
{
    readonly Tensor _mean;
    readonly Tensor _scale;
    readonly Tensor _weights;
    readonly Tensor _bias;

    LatentLinearProbe(Tensor mean, Tensor scale, Tensor weights, Tensor bias, long latentTokens, long latentWidth)
    {
        (_mean, _scale, _weights, _bias) = (mean, scale, weights, bias);
        LatentTokens = latentTokens;
        LatentWidth = latentWidth;
    }

    /// <summary>Latent tokens N the probe reads.</summary>
    public long LatentTokens { get; }

    /// <summary>Latent width D the probe reads.</summary>
    public long LatentWidth { get; }

    /// <summary>Quantities K it predicts.</summary>
    public long Outputs => _weights.shape[1];

    /// <summary>Fits a probe from latents [M, N, D] to targets [M, K].</summary>
    /// <param name="latents">Latent states of M frames.</param>
    /// <param name="targets">The K known quantities of each frame.</param>
    /// <param name="ridge">λ ≥ 0, the penalty on the weights per sample.</param>
    public static LatentLinearProbe Fit(Tensor latents, Tensor targets, double ridge = 1e-3)
    {
        ArgumentNullException.ThrowIfNull(latents);
        ArgumentNullException.ThrowIfNull(targets);
        if (latents.dim() != 3) throw new ArgumentException($"Latents must be [M, N, D]; got {TensorShape.Format(latents.shape)}.", nameof(latents));
        if (targets.dim() != 2 || targets.shape[0] != latents.shape[0])
            throw new ArgumentException($"Targets must be [M, K] with M = {latents.shape[0]}; got {TensorShape.Format(targets.shape)}.", nameof(targets));
        if (latents.shape[0] < 2) throw new ArgumentException("A probe needs at least two samples.", nameof(latents));
        if (!(ridge >= 0)) throw new ArgumentOutOfRangeException(nameof(ridge), ridge, "The ridge penalty must be non-negative.");
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var x = latents.detach().flatten(1).to_type(ScalarType.Float64).cpu();
        var y = targets.detach().to_type(ScalarType.Float64).cpu();
        var mean = x.mean([0]);
        var scale = x.std(0).clamp_min(1e-6);
        var z = (x - mean) / scale;
        var yMean = y.mean([0]);
        long samples = z.shape[0], features = z.shape[1];
        var gram = z.t().matmul(z) + eye(features, dtype: ScalarType.Float64) * (ridge * samples);
        var weights = linalg.solve(gram, z.t().matmul(y - yMean));
        return new LatentLinearProbe(
            mean.to_type(ScalarType.Float32).DetachFromDisposeScope(), scale.to_type(ScalarType.Float32).DetachFromDisposeScope(),
            weights.to_type(ScalarType.Float32).DetachFromDisposeScope(), yMean.to_type(ScalarType.Float32).DetachFromDisposeScope(),
            latents.shape[1], latents.shape[2]);
    }

    /// <summary>The read-out [B, K] of latents [B, N, D].</summary>
    public Tensor Predict(Tensor latents)
    {
        ArgumentNullException.ThrowIfNull(latents);
        if (latents.dim() != 3 || latents.shape[1] != LatentTokens || latents.shape[2] != LatentWidth)
            throw new ArgumentException($"Latents must be [B, {LatentTokens}, {LatentWidth}]; got {TensorShape.Format(latents.shape)}.", nameof(latents));
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var device = latents.device;
        var z = (latents.flatten(1).to_type(ScalarType.Float32) - _mean.to(device)) / _scale.to(device);
        return (z.matmul(_weights.to(device)) + _bias.to(device)).MoveToOuterDisposeScope();
    }

    /// <summary>Root-mean-square error of the read-out against <paramref name="targets"/> [M, K] (for held-out frames).</summary>
    public double Rmse(Tensor latents, Tensor targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        using var scope = NewDisposeScope();
        return (Predict(latents) - targets.to_type(ScalarType.Float32).to(latents.device)).square().mean().sqrt().item<float>();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _mean.Dispose();
        _scale.Dispose();
        _weights.Dispose();
        _bias.Dispose();
    }
}
