using PanGym.Gym;

namespace PanGym.Tests.Backbone.Qwen25VL;

/// <summary>
/// An independent, deliberately plain re-implementation of Hugging Face's slow <c>Qwen2VLImageProcessor</c> for the
/// tests, written from transformers' Python and Pillow's C (sharing no code with the library): <c>smart_resize</c> with
/// Python's round-half-even; Pillow's bicubic <c>ImagingResample</c> (a = −0.5, support 2 × max(1, scale), weights
/// normalised then rounded to 22-bit fixed point, ½ added, shifted and clipped to 8 bits after each of the two passes,
/// horizontal first); rescale and normalise in doubles; the still image repeated for the temporal patch; and each patch
/// row located by decoding its index the way numpy's reshape(t, tp, c, h/m, m, p, w/m, m, p).transpose(0, 3, 6, 4, 7,
/// 2, 1, 5, 8) lays it out.
/// </summary>
internal static class NaiveQwen2VLImageProcessorReference
{
    public static (int Height, int Width) SmartResize(int height, int width, int factor, int minPixels, int maxPixels)
    {
        int RoundHalfEven(double value)
        {
            double floor = Math.Floor(value), fraction = value - floor;
            if (fraction > 0.5) return (int)floor + 1;
            if (fraction < 0.5) return (int)floor;
            return (int)floor % 2 == 0 ? (int)floor : (int)floor + 1;
        }
        int h = RoundHalfEven((double)height / factor) * factor, w = RoundHalfEven((double)width / factor) * factor;
        if ((long)h * w > maxPixels)
        {
            double beta = Math.Sqrt((double)height * width / maxPixels);
            h = Math.Max(factor, (int)Math.Floor(height / beta / factor) * factor);
            w = Math.Max(factor, (int)Math.Floor(width / beta / factor) * factor);
        }
        else if ((long)h * w < minPixels)
        {
            double beta = Math.Sqrt(minPixels / ((double)height * width));
            h = (int)Math.Ceiling(height * beta / factor) * factor;
            w = (int)Math.Ceiling(width * beta / factor) * factor;
        }
        return (h, w);
    }

    /// <summary>Pillow's bicubic resize of one 8-bit channel plane [height][width].</summary>
    public static int[][] PillowResizePlane(int[][] plane, int outWidth, int outHeight)
    {
        int inHeight = plane.Length, inWidth = plane[0].Length;
        var rows = plane;
        if (outWidth != inWidth) rows = plane.Select(row => Resample1D(row, outWidth)).ToArray();
        if (outHeight == inHeight) return rows.Select(row => row.ToArray()).ToArray();
        var result = new int[outHeight][];
        for (int y = 0; y < outHeight; y++) result[y] = new int[outWidth];
        for (int x = 0; x < outWidth; x++)
        {
            var column = Resample1D(rows.Select(row => row[x]).ToArray(), outHeight);
            for (int y = 0; y < outHeight; y++) result[y][x] = column[y];
        }
        return result;
    }

    /// <summary>One pass of Pillow's resampling along a line of samples.</summary>
    public static int[] Resample1D(int[] samples, int outSize)
    {
        int inSize = samples.Length;
        double scale = (double)inSize / outSize;
        double filterScale = scale < 1.0 ? 1.0 : scale;
        double support = 2.0 * filterScale;
        var result = new int[outSize];
        for (int i = 0; i < outSize; i++)
        {
            double center = (i + 0.5) * scale;
            int first = (int)Math.Truncate(center - support + 0.5);
            if (first < 0) first = 0;
            int end = (int)Math.Truncate(center + support + 0.5);
            if (end > inSize) end = inSize;
            var weights = new double[end - first];
            for (int j = first; j < end; j++) weights[j - first] = Keys((j - center + 0.5) / filterScale);
            double total = weights.Sum();
            long sum = 1L << 21;
            for (int j = first; j < end; j++)
            {
                double normalised = total != 0.0 ? weights[j - first] / total : weights[j - first];
                double scaled = normalised * (1 << 22);
                int fixedPoint = (int)(normalised < 0 ? Math.Truncate(scaled - 0.5) : Math.Truncate(scaled + 0.5));
                sum += (long)samples[j] * fixedPoint;
            }
            long shifted = (long)Math.Floor(sum / (double)(1 << 22));
            result[i] = (int)Math.Min(255, Math.Max(0, shifted));
        }
        return result;
    }

    /// <summary>Keys' cubic kernel with a = −0.5, from its piecewise definition.</summary>
    private static double Keys(double x)
    {
        const double a = -0.5;
        double t = Math.Abs(x);
        if (t < 1) return (a + 2) * t * t * t - (a + 3) * t * t + 1;
        if (t < 2) return a * t * t * t - 5 * a * t * t + 8 * a * t - 4 * a;
        return 0;
    }

    /// <summary>The 8-bit image the processor feeds on, channel planes [3][H][W], after smart_resize and Pillow's resize.</summary>
    public static int[][][] ResizedPlanes(Image image)
    {
        var (height, width) = SmartResize(image.Height, image.Width, TinyQwen25VLCheckpoint.PatchSize * TinyQwen25VLCheckpoint.MergeSize,
            TinyQwen25VLCheckpoint.MinPixels, TinyQwen25VLCheckpoint.MaxPixels);
        var planes = new int[3][][];
        for (int c = 0; c < 3; c++)
        {
            var plane = new int[image.Height][];
            for (int y = 0; y < image.Height; y++)
            {
                plane[y] = new int[image.Width];
                for (int x = 0; x < image.Width; x++) plane[y][x] = image.Data[(y * image.Width + x) * 3 + c];
            }
            planes[c] = height == image.Height && width == image.Width ? plane : PillowResizePlane(plane, width, height);
        }
        return planes;
    }

    /// <summary>pixel_values rows and (t, h, w) of one image with the tiny checkpoint's processor settings.</summary>
    public static (double[][] Rows, (int T, int H, int W) Grid) PixelValues(Image image)
    {
        const int p = TinyQwen25VLCheckpoint.PatchSize, m = TinyQwen25VLCheckpoint.MergeSize, tp = TinyQwen25VLCheckpoint.TemporalPatchSize;
        var planes = ResizedPlanes(image);
        int height = planes[0].Length, width = planes[0][0].Length, gridH = height / p, gridW = width / p;
        var rows = new double[gridH * gridW][];
        for (int r = 0; r < rows.Length; r++)
        {
            int mw = r % m, mh = r / m % m, bw = r / (m * m) % (gridW / m), bh = r / (m * m * (gridW / m));
            rows[r] = new double[3 * tp * p * p];
            for (int column = 0; column < rows[r].Length; column++)
            {
                int px = column % p, py = column / p % p, c = column / (p * p * tp);
                int value = planes[c][(bh * m + mh) * p + py][(bw * m + mw) * p + px];
                rows[r][column] = (value / 255.0 - TinyQwen25VLCheckpoint.ImageMean[c]) / TinyQwen25VLCheckpoint.ImageStd[c];
            }
        }
        return (rows, (1, gridH, gridW));
    }
}
