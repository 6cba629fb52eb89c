using MathNet.Numerics.Distributions;

namespace PanGym.Evaluation;

/// <summary>
/// A figure of the evaluation with its 95 % confidence interval: a mean over a sample (Student's t interval) or a
/// proportion of successes (Wilson score interval). Every number the evaluation reports comes as one of these, so that a
/// difference between a model and a baseline can be read against the noise of a finite held-out set.
/// </summary>
/// <param name="Mean">The point estimate (the sample mean, or the share of successes).</param>
/// <param name="Lower">Lower end of the 95 % interval; −∞ when the sample is too small to bound it.</param>
/// <param name="Upper">Upper end of the 95 % interval; +∞ when the sample is too small to bound it.</param>
/// <param name="Count">The sample size it rests on.</param>
public sealed record Estimate(double Mean, double Lower, double Upper, int Count)
{
    /// <summary>The confidence level of every interval.</summary>
    public const double Level = 0.95;

    /// <summary>Whether the interval lies wholly above or wholly below zero (a difference that is not noise at the 95 % level).</summary>
    public bool ExcludesZero => Lower > 0 || Upper < 0;

    /// <summary>
    /// The mean of <paramref name="sample"/> with the two-sided Student's t interval mean ± t(0.975, n − 1)·s/√n
    /// (s the sample standard deviation), cut to [<paramref name="least"/>, <paramref name="most"/>] when the quantity
    /// cannot leave that range (an error is never negative). One value gives an interval as wide as that range.
    /// </summary>
    /// <exception cref="ArgumentException">The sample is empty or holds a value that is not finite.</exception>
    public static Estimate OfMean(IEnumerable<double> sample, double least = double.NegativeInfinity, double most = double.PositiveInfinity)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var values = sample.ToArray();
        if (values.Length == 0) throw new ArgumentException("Cannot estimate the mean of an empty sample.", nameof(sample));
        foreach (double value in values)
            if (!double.IsFinite(value)) throw new ArgumentException($"The sample holds a value that is not finite ({value}).", nameof(sample));
        double mean = values.Average();
        if (values.Length == 1) return new Estimate(mean, least, most, 1);
        double variance = values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1);
        double half = StudentT.InvCDF(0, 1, values.Length - 1, 0.5 + Level / 2) * Math.Sqrt(variance / values.Length);
        return new Estimate(mean, Math.Max(least, mean - half), Math.Min(most, mean + half), values.Length);
    }

    /// <summary>
    /// The share <paramref name="successes"/> / <paramref name="trials"/> with its Wilson score interval, which stays
    /// inside [0, 1] and is not degenerate at 0 % or 100 % (unlike the normal approximation).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">No trials, or successes outside [0, trials].</exception>
    public static Estimate OfProportion(int successes, int trials)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(trials, 1);
        if (successes < 0 || successes > trials)
            throw new ArgumentOutOfRangeException(nameof(successes), successes, $"Successes must lie in [0, {trials}].");
        double p = (double)successes / trials, n = trials;
        double z = Normal.InvCDF(0, 1, 0.5 + Level / 2), z2 = z * z;
        double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
        double half = z / (1 + z2 / n) * Math.Sqrt(p * (1 - p) / n + z2 / (4 * n * n));
        return new Estimate(p, Math.Max(0, centre - half), Math.Min(1, centre + half), trials);
    }

    /// <summary>
    /// This estimate carried through a decreasing function (for example mean squared error → PSNR): the point maps to
    /// the point and the ends swap, so the interval stays a valid 95 % interval of the transformed quantity.
    /// </summary>
    public Estimate MapDecreasing(Func<double, double> decreasing)
    {
        ArgumentNullException.ThrowIfNull(decreasing);
        return new Estimate(decreasing(Mean), decreasing(Upper), decreasing(Lower), Count);
    }
}
