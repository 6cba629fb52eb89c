using PanGym.Gym;

namespace PanGym.Backbone.ImageProcessing;

/// <summary>
/// Pillow's <c>Image.resize((width, height), Image.BICUBIC)</c> of an 8-bit RGB image, as its <c>libImaging/Resample.c</c>
/// computes it, so that resized images feed the vision tower exactly what Hugging Face's (slow, PIL-based) image
/// processor feeds it. Separable, horizontal pass first: each output sample is a weighted sum of the input samples whose
/// centres lie within the filter's support (2 × max(1, scale) input pixels, so a downscale also low-passes), with the
/// cubic convolution kernel of Keys (a = −0.5). Pillow's integer arithmetic is reproduced: weights normalised to sum 1,
/// then rounded to fixed point with 22 fractional bits; each pass starts from ½ for rounding, sums in 32-bit integers,
/// shifts right by 22 and clips to [0, 255], so the intermediate image after the horizontal pass is 8-bit too. An axis
/// whose size does not change is not resampled; equal sizes return a copy.
/// </summary>
public static class PillowBicubicResampler
{
    private const int PrecisionBits = 32 - 8 - 2;
    private const double FilterSupport = 2.0;
    private const double CubicA = -0.5;

    /// <summary>The image resized to <paramref name="width"/> × <paramref name="height"/> pixels.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A target size is not positive.</exception>
    public static Image Resize(Image source, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        var pixels = source.Data;
        int currentWidth = source.Width;
        if (width != source.Width)
        {
            pixels = ResampleRows(pixels, source.Width, source.Height, width);
            currentWidth = width;
        }
        if (height != source.Height) pixels = ResampleColumns(pixels, currentWidth, source.Height, height);
        return new Image(height, width, ReferenceEquals(pixels, source.Data) ? (byte[])pixels.Clone() : pixels);
    }

    /// <summary>Keys' cubic convolution kernel with a = −0.5 (Pillow's <c>bicubic_filter</c>).</summary>
    internal static double Cubic(double x)
    {
        x = Math.Abs(x);
        if (x < 1.0) return ((CubicA + 2.0) * x - (CubicA + 3.0)) * x * x + 1.0;
        if (x < 2.0) return (((x - 5.0) * x + 8.0) * x - 4.0) * CubicA;
        return 0.0;
    }

    /// <summary>
    /// Pillow's <c>precompute_coeffs</c> and <c>normalize_coeffs_8bpc</c> for one axis: for output sample i, the first
    /// input sample <c>First[i]</c>, the number of input samples <c>Count[i]</c>, and their fixed-point weights at
    /// <c>Weights[i × KernelSize …]</c>.
    /// </summary>
    internal static (int[] First, int[] Count, int[] Weights, int KernelSize) FixedPointWeights(int inSize, int outSize)
    {
        double scale = (double)inSize / outSize;
        double filterScale = Math.Max(scale, 1.0);
        double support = FilterSupport * filterScale;
        int kernelSize = (int)Math.Ceiling(support) * 2 + 1;
        var first = new int[outSize];
        var count = new int[outSize];
        var weights = new int[outSize * kernelSize];
        var exact = new double[kernelSize];
        for (int output = 0; output < outSize; output++)
        {
            double center = (output + 0.5) * scale;
            double inverseScale = 1.0 / filterScale;
            int start = Math.Max((int)(center - support + 0.5), 0);
            int stop = Math.Min((int)(center + support + 0.5), inSize);
            int taps = stop - start;
            double total = 0.0;
            for (int tap = 0; tap < taps; tap++)
            {
                exact[tap] = Cubic((tap + start - center + 0.5) * inverseScale);
                total += exact[tap];
            }
            for (int tap = 0; tap < taps; tap++)
            {
                double weight = total != 0.0 ? exact[tap] / total : exact[tap];
                double scaled = weight * (1 << PrecisionBits);
                weights[output * kernelSize + tap] = weight < 0 ? (int)(-0.5 + scaled) : (int)(0.5 + scaled);
            }
            first[output] = start;
            count[output] = taps;
        }
        return (first, count, weights, kernelSize);
    }

    /// <summary>Pillow's <c>clip8</c>: the fixed-point sum shifted back to 8 bits and clipped to [0, 255].</summary>
    private static byte Clip8(int sum) => (byte)Math.Clamp(sum >> PrecisionBits, 0, 255);

    private static byte[] ResampleRows(byte[] pixels, int inWidth, int height, int outWidth)
    {
        var (first, count, weights, kernelSize) = FixedPointWeights(inWidth, outWidth);
        var result = new byte[height * outWidth * Image.Channels];
        for (int y = 0; y < height; y++)
        {
            int rowIn = y * inWidth * Image.Channels, rowOut = y * outWidth * Image.Channels;
            for (int x = 0; x < outWidth; x++)
            {
                for (int channel = 0; channel < Image.Channels; channel++)
                {
                    int sum = 1 << (PrecisionBits - 1);
                    for (int tap = 0; tap < count[x]; tap++)
                        sum += pixels[rowIn + (first[x] + tap) * Image.Channels + channel] * weights[x * kernelSize + tap];
                    result[rowOut + x * Image.Channels + channel] = Clip8(sum);
                }
            }
        }
        return result;
    }

    private static byte[] ResampleColumns(byte[] pixels, int width, int inHeight, int outHeight)
    {
        var (first, count, weights, kernelSize) = FixedPointWeights(inHeight, outHeight);
        int stride = width * Image.Channels;
        var result = new byte[outHeight * stride];
        for (int y = 0; y < outHeight; y++)
        {
            for (int offset = 0; offset < stride; offset++)
            {
                int sum = 1 << (PrecisionBits - 1);
                for (int tap = 0; tap < count[y]; tap++)
                    sum += pixels[(first[y] + tap) * stride + offset] * weights[y * kernelSize + tap];
                result[y * stride + offset] = Clip8(sum);
            }
        }
        return result;
    }
}
