using static TorchSharp.torch;

namespace PanGym.Imagination;

/// <summary>
/// B imagined trajectories of H steps: each one's rewards, return and length (up to its termination), the latent states
/// and frames when they were asked for, and how many (row, step) predictions the dynamics actually computed. Owns the
/// kept tensors: dispose it.
/// </summary>
public sealed class ImaginationResult : IDisposable
{
    internal ImaginationResult(double[][] rewards, double[] returns, int[] lengths, bool[] terminated, Tensor? latents, Tensor? frames, int computedSteps)
    {
        Rewards = rewards;
        Returns = returns;
        Lengths = lengths;
        Terminated = terminated;
        Latents = latents;
        Frames = frames;
        ComputedSteps = computedSteps;
    }

    /// <summary>Rewards [B][H]; zero after a trajectory's termination.</summary>
    public double[][] Rewards { get; }

    /// <summary>Each trajectory's discounted return Σ γ^t r_t up to its termination.</summary>
    public double[] Returns { get; }

    /// <summary>Steps each trajectory took: H, or the step at which it terminated (1-based).</summary>
    public int[] Lengths { get; }

    /// <summary>Whether each trajectory terminated within the horizon.</summary>
    public bool[] Terminated { get; }

    /// <summary>The imagined latent states [B, H, N, D] when kept (zeros after a termination), else null.</summary>
    public Tensor? Latents { get; }

    /// <summary>The decoded frames [B, H, 3, H, W] in model pixels when kept (zeros after a termination), else null.</summary>
    public Tensor? Frames { get; }

    /// <summary>Number of trajectories B.</summary>
    public int Count => Returns.Length;

    /// <summary>Trajectory steps asked for: B × H.</summary>
    public int RequestedSteps => Rewards.Sum(r => r.Length);

    /// <summary>Rows × steps the dynamics computed; below <see cref="RequestedSteps"/> when branches were shared or trajectories ended early.</summary>
    public int ComputedSteps { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        Latents?.Dispose();
        Frames?.Dispose();
    }
}
