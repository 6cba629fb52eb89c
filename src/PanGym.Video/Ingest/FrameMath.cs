using PanGym.Gym;

namespace PanGym.Data.Video;

/// <summary>Small image computations the video pipeline shares: luma, area downsampling, colour histograms, plane statistics.</summary>
internal static class FrameMath
{
    /// <summary>Rec. 601 luma of an RGB image, in [0, 1], row-major.</summary>
    public static float[] Luma(Image image)
    {
        var data = image.Data;
        var luma = new float[image.Height * image.Width];
        for (int i = 0, p = 0; i < luma.Length; i++, p += 3)
            luma[i] = (0.299f * data[p] + 0.587f * data[p + 1] + 0.114f * data[p + 2]) / 255f;
        return luma;
    }

    /// <summary>Averages <paramref name="factor"/>×<paramref name="factor"/> blocks of a square RGB image (rounding to the nearest byte).</summary>
    public static Image Downsample(Image image, int factor)
    {
        if (factor == 1) return image;
        int size = image.Width / factor;
        var source = image.Data;
        var result = new byte[size * size * Image.Channels];
        int area = factor * factor;
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
                for (int c = 0; c < Image.Channels; c++)
                {
                    int sum = 0;
                    for (int dy = 0; dy < factor; dy++)
                    {
                        int row = ((y * factor + dy) * image.Width + x * factor) * Image.Channels + c;
                        for (int dx = 0; dx < factor; dx++) sum += source[row + dx * Image.Channels];
                    }
                    result[(y * size + x) * Image.Channels + c] = (byte)((sum + area / 2) / area);
                }
        return new Image(size, size, result);
    }

    /// <summary>Averages <paramref name="factor"/>×<paramref name="factor"/> blocks of a square plane of side <paramref name="size"/>.</summary>
    public static float[] Downsample(float[] plane, int size, int factor)
    {
        int small = size / factor;
        var result = new float[small * small];
        float scale = 1f / (factor * factor);
        for (int y = 0; y < small * factor; y++)
            for (int x = 0; x < small * factor; x++)
                result[y / factor * small + x / factor] += plane[y * size + x] * scale;
        return result;
    }

    /// <summary>Per-channel histograms of <paramref name="bins"/> bins each, normalised so each channel sums to 1.</summary>
    public static float[] ColourHistogram(Image image, int bins)
    {
        var histogram = new float[Image.Channels * bins];
        var data = image.Data;
        int shift = 8 - (int)Math.Log2(bins);
        for (int p = 0; p < data.Length; p += 3)
            for (int c = 0; c < Image.Channels; c++)
                histogram[c * bins + (data[p + c] >> shift)]++;
        float pixels = data.Length / Image.Channels;
        for (int i = 0; i < histogram.Length; i++) histogram[i] /= pixels;
        return histogram;
    }

    /// <summary>Half the L1 distance between two histograms, averaged over channels: 0 for equal colour distributions, 1 for disjoint ones.</summary>
    public static double HistogramDistance(float[] a, float[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++) sum += Math.Abs(a[i] - b[i]);
        return sum / 2 / Image.Channels;
    }

    /// <summary>Mean and standard deviation of a plane.</summary>
    public static (double Mean, double Std) MeanStd(ReadOnlySpan<float> plane)
    {
        double sum = 0, squares = 0;
        foreach (float v in plane)
        {
            sum += v;
            squares += v * (double)v;
        }
        double mean = sum / plane.Length;
        return (mean, Math.Sqrt(Math.Max(0, squares / plane.Length - mean * mean)));
    }

    /// <summary>Mean absolute difference of two planes of equal length.</summary>
    public static double MeanAbsoluteDifference(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++) sum += Math.Abs(a[i] - b[i]);
        return sum / a.Length;
    }
}
