using PanGym.Gym;

namespace PanGym.Tests.Backbone.Qwen25VL;

/// <summary>Random RGB test images, fixed by a seed, with smooth structure and noise so that resampling has edges to work on.</summary>
internal static class TestImages
{
    /// <summary>A height × width image; seeds give different images.</summary>
    public static Image Random(int height, int width, int seed)
    {
        var random = new Random(seed);
        var data = new byte[height * width * 3];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                for (int c = 0; c < 3; c++)
                {
                    double smooth = 127.5 + 90 * Math.Sin(0.7 * x + 1.3 * c + seed) * Math.Cos(0.45 * y - 0.8 * c);
                    data[(y * width + x) * 3 + c] = (byte)Math.Clamp(smooth + random.Next(-40, 41), 0, 255);
                }
        return new Image(height, width, data);
    }
}
