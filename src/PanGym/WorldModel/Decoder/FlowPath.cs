using static TorchSharp.torch;

namespace PanGym.WorldModel;

/// <summary>
/// The rectified-flow path of flow matching (Lipman et al. 2023; Liu et al. 2023) in the convention of this project:
/// x_τ = (1 − τ)·x0 + τ·x1 with x0 ~ N(0, I) at τ = 0 and the data x1 at τ = 1, whose velocity is v = x1 − x0.
/// </summary>
public static class FlowPath
{
    /// <summary>
    /// The point x_τ = (1 − τ)·noise + τ·data. <paramref name="tau"/> holds one time per leading index of
    /// <paramref name="data"/> (for example [B] for frames [B, 3, H, W], or [B, C] for chunks [B, C, 3, H, W]).
    /// </summary>
    public static Tensor Interpolate(Tensor noise, Tensor data, Tensor tau)
    {
        using var scope = NewDisposeScope();
        var t = Broadcastable(tau, data);
        return (noise + t * (data - noise)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// One solver step from τ to τ + <paramref name="dt"/> of the ODE dx/dτ = v(x, τ).
    /// </summary>
    /// <param name="velocity">The velocity field v(x, τ), called with the state and the times.</param>
    /// <param name="x">The state (for example chunks [B, C, 3, H, W]).</param>
    /// <param name="tau">The times of the state's leading indices (for example [B, C]).</param>
    /// <param name="dt">The step in flow time (positive, towards the data).</param>
    /// <param name="solver">Euler, or Heun's predictor-corrector.</param>
    public static Tensor Step(Func<Tensor, Tensor, Tensor> velocity, Tensor x, Tensor tau, double dt, FlowSolver solver)
    {
        ArgumentNullException.ThrowIfNull(velocity);
        using var scope = NewDisposeScope();
        var slope = velocity(x, tau);
        var predicted = x + dt * slope;
        var result = solver switch
        {
            FlowSolver.Euler => predicted,
            FlowSolver.Heun => x + (0.5 * dt) * (slope + velocity(predicted, tau + dt)),
            _ => throw new ArgumentOutOfRangeException(nameof(solver), solver, "Unknown flow solver."),
        };
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// A noise-augmented copy of a clean conditioning frame and its flow time: τ_ctx = 1 − <paramref name="noiseLevel"/>,
    /// x = (1 − τ_ctx)·ε + τ_ctx·frame with fresh ε (the conditioning-frame augmentation of PAN §3.3).
    /// </summary>
    /// <param name="frame">Clean frames [B, 3, H, W].</param>
    /// <param name="noiseLevel">1 − τ_ctx, in [0, 1].</param>
    /// <param name="generator">Source of ε; null for torch's default generator.</param>
    /// <returns>The augmented frames [B, 3, H, W] and τ_ctx [B].</returns>
    public static (Tensor Frame, Tensor Tau) AugmentContext(Tensor frame, double noiseLevel, Generator? generator)
    {
        if (!(noiseLevel >= 0.0 && noiseLevel <= 1.0))
            throw new ArgumentException($"noiseLevel ({noiseLevel}) must lie in [0, 1].", nameof(noiseLevel));
        using var scope = NewDisposeScope();
        var tau = full([frame.shape[0]], 1.0 - noiseLevel, ScalarType.Float32, frame.device);
        // No noise level, no draw: the frame stays clean and the generator is left as it was.
        var augmented = noiseLevel == 0 ? frame.clone() : Interpolate(randn(frame.shape, device: frame.device, generator: generator), frame, tau);
        return (augmented.MoveToOuterDisposeScope(), tau.MoveToOuterDisposeScope());
    }

    /// <summary><paramref name="tau"/> with trailing singleton axes so that it broadcasts against <paramref name="data"/>.</summary>
    private static Tensor Broadcastable(Tensor tau, Tensor data)
    {
        if (tau.dim() > data.dim())
            throw new ArgumentException($"tau has {tau.dim()} axes, more than the data's {data.dim()}.", nameof(tau));
        for (int axis = 0; axis < tau.dim(); axis++)
        {
            if (tau.shape[axis] != data.shape[axis])
                throw new ArgumentException(
                    $"tau {TensorShape.Format(tau.shape)} does not match the leading axes of the data {TensorShape.Format(data.shape)}.", nameof(tau));
        }
        var shape = tau.shape.Concat(Enumerable.Repeat(1L, (int)(data.dim() - tau.dim()))).ToArray();
        return tau.reshape(shape);
    }
}
