using PanGym.Gym;

namespace PanGym.Evaluation;

/// <summary>
/// SSIM (Wang, Bovik, Sheikh and Simoncelli 2004): local means, variances and covariance under an 11 × 11 Gaussian window
/// (σ = 1.5), combined as ((2μₓμᵧ + C₁)(2σₓᵧ + C₂)) / ((μₓ² + μᵧ² + C₁)(σₓ² + σᵧ² + C₂)) with C₁ = (0.01·255)² and
/// C₂ = (0.03·255)², averaged over every window position wholly inside the frame ("valid") and over the three colour
/// channels. Frames smaller than 11 pixels use a window as large as the frame.
/// </summary>
public static class StructuralSimilarity
{
    /// <summary>Side of the Gaussian window.</summary>
    public const int WindowSize = 11;

    /// <summary>Standard deviation of the Gaussian window, in pixels.</summary>
    public const double Sigma = 1.5;

    /// <summary>C₁ = (K₁·L)² with K₁ = 0.01 and L = 255.</summary>
    public const double C1 = 0.01 * 255 * 0.01 * 255;

    /// <summary>C₂ = (K₂·L)² with K₂ = 0.03 and L = 255.</summary>
    public const double C2 = 0.03 * 255 * 0.03 * 255;

    /// <summary>The mean SSIM of two frames of one size: 1 for identical frames, lower the less their local structure agrees.</summary>
    public static double Compute(Image first, Image second)
    {
        PixelError.CheckPair(first, second);
        int height = first.Height, width = first.Width;
        int window = Math.Min(WindowSize, Math.Min(height, width));
        var weights = Gaussian(window);
        double total = 0;
        for (int channel = 0; channel < Image.Channels; channel++)
        {
            var x = Channel(first, channel);
            var y = Channel(second, channel);
            var muX = Filter(x, height, width, weights);
            var muY = Filter(y, height, width, weights);
            var xx = Filter(Product(x, x), height, width, weights);
            var yy = Filter(Product(y, y), height, width, weights);
            var xy = Filter(Product(x, y), height, width, weights);
            double sum = 0;
            for (int i = 0; i < muX.Length; i++)
            {
                double mx = muX[i], my = muY[i];
                double varX = xx[i] - mx * mx, varY = yy[i] - my * my, cov = xy[i] - mx * my;
                sum += (2 * mx * my + C1) * (2 * cov + C2) / ((mx * mx + my * my + C1) * (varX + varY + C2));
            }
            total += sum / muX.Length;
        }
        return total / Image.Channels;
    }

    static double[] Gaussian(int size)
    {
        double centre = (size - 1) / 2.0;
        var weights = Enumerable.Range(0, size).Select(i => Math.Exp(-(i - centre) * (i - centre) / (2 * Sigma * Sigma))).ToArray();
        double sum = weights.Sum();
        return weights.Select(w => w / sum).ToArray();
    }

    static double[] Channel(Image image, int channel)
    {
        var values = new double[image.Height * image.Width];
        for (int i = 0; i < values.Length; i++) values[i] = image.Data[i * Image.Channels + channel];
        return values;
    }

    static double[] Product(double[] a, double[] b)
    {
        var result = new double[a.Length];
        for (int i = 0; i < a.Length; i++) result[i] = a[i] * b[i];
        return result;
    }

    /// <summary>The separable Gaussian filter over every window position inside the frame: (H − w + 1) × (W − w + 1) values.</summary>
    static double[] Filter(double[] values, int height, int width, double[] weights)
    {
        int w = weights.Length, outHeight = height - w + 1, outWidth = width - w + 1;
        var rows = new double[height * outWidth];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < outWidth; x++)
            {
                double sum = 0;
                for (int k = 0; k < w; k++) sum += weights[k] * values[y * width + x + k];
                rows[y * outWidth + x] = sum;
            }
        var result = new double[outHeight * outWidth];
        for (int y = 0; y < outHeight; y++)
            for (int x = 0; x < outWidth; x++)
            {
                double sum = 0;
                for (int k = 0; k < w; k++) sum += weights[k] * rows[(y + k) * outWidth + x];
                result[y * outWidth + x] = sum;
            }
        return result;
    }
}
