namespace PanGym.Bench;

/// <summary>
/// Imagined steps per second for <paramref name="Batch"/> trajectories: one at a time, batched, and batched with shared
/// prefixes (trajectories that agree on their first actions share rows), beside what the batched dynamics' matrix
/// products would take at the matmul peak.
/// </summary>
/// <param name="Batch">B, trajectories.</param>
/// <param name="Steps">Imagined steps in all (B × horizon).</param>
/// <param name="OneByOneSeconds">Time to imagine them one at a time.</param>
/// <param name="BatchedSeconds">Time to imagine them in one batch.</param>
/// <param name="SharedSeconds">Time to imagine them in one batch with shared prefixes.</param>
/// <param name="SharedRowsComputed">Rows computed with shared prefixes (of <paramref name="Steps"/>).</param>
/// <param name="Flops">Matrix-product FLOPs of the batched dynamics.</param>
/// <param name="AtPeakSeconds">Those FLOPs' time at the matmul peak: the ceiling of batching.</param>
public sealed record ImaginationTiming(int Batch, double Steps, double OneByOneSeconds, double BatchedSeconds, double SharedSeconds, int SharedRowsComputed,
    double Flops, double AtPeakSeconds)
{
    /// <summary>Speed-up of batching over one at a time.</summary>
    public double BatchedSpeedup => OneByOneSeconds / BatchedSeconds;

    /// <summary>Speed-up of batching with shared prefixes over one at a time.</summary>
    public double SharedSpeedup => OneByOneSeconds / SharedSeconds;

    /// <summary>The most any batching could give: one at a time against the batched dynamics at the matmul peak.</summary>
    public double SpeedupAtPeak => OneByOneSeconds / AtPeakSeconds;
}
