using System.Numerics;
using MathNet.Numerics.IntegralTransforms;

namespace PanGym.Data.Video;

/// <summary>The global translation between two luma planes by phase correlation, which seeds and backs up <see cref="MotionEstimator"/>.</summary>
internal static class PhaseCorrelation
{
    /// <summary>
    /// The translation that takes <paramref name="from"/> to <paramref name="to"/> by phase correlation (Hann-windowed,
    /// sub-pixel by a parabola through the peak), and the peak's height in [0, 1] as its confidence.
    /// </summary>
    public static (double Dx, double Dy, double Peak) Correlate(float[] from, float[] to, int size)
    {
        var a = Windowed(from, size);
        var b = Windowed(to, size);
        Transform2D(a, size, inverse: false);
        Transform2D(b, size, inverse: false);
        for (int i = 0; i < a.Length; i++)
        {
            var cross = b[i] * Complex.Conjugate(a[i]);
            double magnitude = cross.Magnitude;
            a[i] = magnitude > 1e-12 ? cross / magnitude : Complex.Zero;
        }
        Transform2D(a, size, inverse: true);
        int best = 0;
        for (int i = 1; i < a.Length; i++)
            if (a[i].Real > a[best].Real) best = i;
        int py = best / size, px = best % size;
        double Value(int x, int y) => a[(y + size) % size * size + (x + size) % size].Real;
        double peak = Value(px, py);
        double sx = SubPixel.Parabola(Value(px - 1, py), peak, Value(px + 1, py));
        double sy = SubPixel.Parabola(Value(px, py - 1), peak, Value(px, py + 1));
        double dx = (px > size / 2 ? px - size : px) + sx;
        double dy = (py > size / 2 ? py - size : py) + sy;
        return (dx, dy, Math.Clamp(peak / size, 0, 1));
    }

    /// <summary>A 2-D FFT as 1-D FFTs over the rows, then the columns (MathNet's managed provider has no multi-dimensional transform).</summary>
    static void Transform2D(Complex[] data, int size, bool inverse)
    {
        var line = new Complex[size];
        for (int pass = 0; pass < 2; pass++)
            for (int k = 0; k < size; k++)
            {
                for (int i = 0; i < size; i++) line[i] = data[pass == 0 ? k * size + i : i * size + k];
                if (inverse) Fourier.Inverse(line, FourierOptions.Default);
                else Fourier.Forward(line, FourierOptions.Default);
                for (int i = 0; i < size; i++) data[pass == 0 ? k * size + i : i * size + k] = line[i];
            }
    }

    static Complex[] Windowed(float[] plane, int size)
    {
        double mean = plane.Average();
        var result = new Complex[plane.Length];
        for (int y = 0; y < size; y++)
        {
            double wy = 0.5 - 0.5 * Math.Cos(2 * Math.PI * (y + 0.5) / size);
            for (int x = 0; x < size; x++)
            {
                double wx = 0.5 - 0.5 * Math.Cos(2 * Math.PI * (x + 0.5) / size);
                result[y * size + x] = new Complex((plane[y * size + x] - mean) * wx * wy, 0);
            }
        }
        return result;
    }
}
