using PanGym.Gym;
using PanGym.WorldModel;
using static TorchSharp.torch;

namespace PanGym.Imagination;

/// <summary>
/// Goal-image similarity that needs no probe: the distance of a decoded frame to a goal frame over a pyramid of Gaussian
/// blurs. A plain pixel distance stops changing once an object and its place in the goal no longer overlap; blurred at
/// scale σ, the two differ by blobs that still overlap up to a few σ apart. Each scale adds σ times the mean absolute
/// blurred difference, so scales finer than the object's displacement each add a constant and coarser ones add about
/// the displacement itself: the sum grows about linearly with how far an object lies from its goal, from anywhere on the
/// canvas, like an earth mover's distance (the pyramid approximation of Indyk and Thaper, 2003, with blurs for grids).
/// </summary>
public sealed class MultiScaleGoalReward : GoalDistanceReward
{
    readonly Tensor[] _kernels;
    readonly double[] _weights;

    /// <summary>A reward towards <paramref name="goalFrame"/>, model pixels [3, H, W] or [1, 3, H, W] (copied).</summary>
    /// <param name="goalFrame">The goal frame in [−1, 1].</param>
    /// <param name="scales">Blur widths σ in pixels (0: the frame as it is); default <see cref="DefaultScales"/>.</param>
    /// <param name="successDistance">Distance at or below which the goal counts as reached and the rollout ends; null: never.</param>
    /// <param name="successReward">Reward of the step that reaches the goal.</param>
    public MultiScaleGoalReward(Tensor goalFrame, IReadOnlyList<double>? scales = null, double? successDistance = null, double successReward = 0.0)
        : base(CheckedGoalFrame(goalFrame), successDistance, successReward, nameof(successDistance))
    {
        int height = (int)GoalTensor.shape[1], width = (int)GoalTensor.shape[2];
        Scales = [.. scales ?? DefaultScales(height, width)];
        if (Scales.Count == 0) throw new ArgumentException("Give at least one blur scale.", nameof(scales));
        if (Scales.Any(s => !(s >= 0) || double.IsInfinity(s)))
            throw new ArgumentOutOfRangeException(nameof(scales), "Blur scales must be finite and non-negative.");
        int radiusCap = Math.Min(height, width);
        _weights = [.. Scales.Select(s => Math.Max(s, 1.0))];
        _kernels = [.. Scales.Select(s => tensor(Kernel(s, radiusCap).Select(v => (float)v).ToArray()).DetachFromDisposeScope())];
        SuccessDistance = successDistance;
    }

    /// <summary>A reward towards <paramref name="goal"/>, converted as <paramref name="model"/> converts its frames.</summary>
    public static MultiScaleGoalReward FromImage(PanWorldModel model, Image goal, IReadOnlyList<double>? scales = null,
        double? successDistance = null, double successReward = 0.0)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(goal);
        using var scope = NewDisposeScope();
        return new MultiScaleGoalReward(model.ToModelPixels([goal]), scales, successDistance, successReward);
    }

    /// <summary>
    /// The default pyramid for an H × W frame: 0 (unblurred), then σ = 1, 2, 4, … up to half the shorter side, so the
    /// coarsest scale still sees an object a canvas away from its goal.
    /// </summary>
    public static IReadOnlyList<double> DefaultScales(int height, int width)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        var scales = new List<double> { 0 };
        for (double s = 1; s <= Math.Min(height, width) / 2.0; s *= 2) scales.Add(s);
        return scales;
    }

    /// <summary>The blur widths σ, in pixels.</summary>
    public IReadOnlyList<double> Scales { get; }

    /// <summary>Distance at which the goal counts as reached; null: never.</summary>
    public double? SuccessDistance { get; }

    /// <inheritdoc />
    public override bool NeedsFrames => true;

    /// <summary>
    /// The distance [B] of each frame [B, 3, H, W] (model pixels) to the goal: each channel's difference less its mean
    /// (a change of overall brightness carries no position), then the sum over scales σ of max(σ, 1) times the mean
    /// absolute difference blurred at σ (mirrored at the edges, so that an object's mass stays
    /// on the canvas wherever it lies). Zero at the goal, never negative.
    /// </summary>
    public Tensor Distance(Tensor frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        if (frames.dim() != 4 || !frames.shape[1..].SequenceEqual(GoalTensor.shape))
            throw new ArgumentException($"Frames must be [B, {string.Join(", ", GoalTensor.shape)}] like the goal; got {TensorShape.Format(frames.shape)}.", nameof(frames));
        using var scope = NewDisposeScope();
        var difference = frames.to_type(ScalarType.Float32) - GoalTensor.to(frames.device);
        difference -= difference.mean([2, 3], keepdim: true);
        var total = zeros(frames.shape[0], device: frames.device);
        for (int i = 0; i < _kernels.Length; i++)
            total += Blur(difference, _kernels[i].to(frames.device)).abs().mean([1, 2, 3]) * _weights[i];
        return total.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    protected override Tensor Distances(ImaginedStep step) =>
        Distance(step.Frames ?? throw new ArgumentException("MultiScaleGoalReward reads decoded frames, but the step carries none.", nameof(step)));

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
            foreach (var kernel in _kernels) kernel.Dispose();
        base.Dispose(disposing);
    }

    /// <summary>A normalized 1-D Gaussian of width <paramref name="sigma"/>, cut at 3σ and at <paramref name="radiusCap"/> (the frame's shorter side).</summary>
    static double[] Kernel(double sigma, int radiusCap)
    {
        if (sigma == 0) return [1.0];
        int radius = Math.Min((int)Math.Ceiling(3 * sigma), radiusCap);
        var values = Enumerable.Range(-radius, 2 * radius + 1).Select(x => Math.Exp(-x * x / (2 * sigma * sigma))).ToArray();
        double sum = values.Sum();
        return [.. values.Select(v => v / sum)];
    }

    /// <summary>
    /// Separable blur of [B, C, H, W] by the 1-D kernel, the frame mirrored at its edges (half-sample symmetric), so that
    /// blurring keeps an object's mass on the canvas wherever it lies.
    /// </summary>
    static Tensor Blur(Tensor x, Tensor kernel)
    {
        long k = kernel.shape[0], channels = x.shape[1];
        if (k == 1) return x;
        long radius = k / 2;
        var rows = kernel.view(1, 1, 1, k).expand(channels, 1, 1, k);
        var columns = kernel.view(1, 1, k, 1).expand(channels, 1, k, 1);
        x = nn.functional.conv2d(Mirrored(x, 3, radius), rows, groups: channels);
        return nn.functional.conv2d(Mirrored(x, 2, radius), columns, groups: channels);
    }

    /// <summary><paramref name="x"/> extended by <paramref name="radius"/> (at most its size) mirrored pixels at both ends of <paramref name="dim"/>.</summary>
    static Tensor Mirrored(Tensor x, int dim, long radius)
    {
        long size = x.shape[dim];
        return cat([x.narrow(dim, 0, radius).flip(dim), x, x.narrow(dim, size - radius, radius).flip(dim)], dim);
    }
}
