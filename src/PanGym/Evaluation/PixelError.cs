using PanGym.Gym;

namespace PanGym.Evaluation;

/// <summary>Pixel-level differences between two frames of one size, on the 0–255 scale of their bytes, over all three channels.</summary>
public static class PixelError
{
    /// <summary>The peak signal value of 8-bit frames.</summary>
    public const double Peak = 255;

    /// <summary>
    /// The highest PSNR reported, in dB: identical frames have an infinite PSNR, which no mean or interval survives, so it
    /// is capped here (a mean squared error of about 6.5·10⁻⁶, far below one byte's rounding).
    /// </summary>
    public const double PsnrCap = 100;

    /// <summary>Mean squared difference per byte.</summary>
    public static double MeanSquaredError(Image predicted, Image truth)
    {
        CheckPair(predicted, truth);
        long sum = 0;
        var (a, b) = (predicted.Data, truth.Data);
        for (int i = 0; i < a.Length; i++)
        {
            int d = a[i] - b[i];
            sum += d * d;
        }
        return (double)sum / a.Length;
    }

    /// <summary>Mean absolute difference per byte.</summary>
    public static double MeanAbsoluteDifference(Image first, Image second)
    {
        CheckPair(first, second);
        long sum = 0;
        var (a, b) = (first.Data, second.Data);
        for (int i = 0; i < a.Length; i++) sum += Math.Abs(a[i] - b[i]);
        return (double)sum / a.Length;
    }

    /// <summary>Peak signal-to-noise ratio 10·log₁₀(255² / <paramref name="meanSquaredError"/>) in dB, capped at <see cref="PsnrCap"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative or non-finite error.</exception>
    public static double Psnr(double meanSquaredError)
    {
        if (!(meanSquaredError >= 0) || double.IsPositiveInfinity(meanSquaredError))
            throw new ArgumentOutOfRangeException(nameof(meanSquaredError), meanSquaredError, "A mean squared error must be finite and non-negative.");
        return meanSquaredError <= 0 ? PsnrCap : Math.Min(PsnrCap, 10 * Math.Log10(Peak * Peak / meanSquaredError));
    }

    /// <summary>The PSNR of two frames (<see cref="Psnr(double)"/> of their <see cref="MeanSquaredError"/>).</summary>
    public static double Psnr(Image predicted, Image truth) => Psnr(MeanSquaredError(predicted, truth));

    /// <summary>
    /// The PSNR of a pooled mean squared error with its interval: PSNR falls as the error grows, so the error's upper
    /// bound gives the PSNR's lower bound and a lower bound at or below zero gives <see cref="PsnrCap"/>.
    /// </summary>
    public static Estimate Psnr(Estimate meanSquaredError)
    {
        ArgumentNullException.ThrowIfNull(meanSquaredError);
        return meanSquaredError.MapDecreasing(mse => double.IsPositiveInfinity(mse) ? double.NegativeInfinity : Psnr(Math.Max(0, mse)));
    }

    internal static void CheckPair(Image first, Image second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        if (first.Height != second.Height || first.Width != second.Width)
            throw new ArgumentException($"Cannot compare a {first.Height}×{first.Width} frame with a {second.Height}×{second.Width} frame.");
    }
}
