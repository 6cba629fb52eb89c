using PanGym.Gym;

namespace PanGym.Evaluation;

/// <summary>
/// How sharp a frame is, as its high-frequency energy: the mean squared response of the discrete Laplacian
/// (4·p − the four neighbours) over the interior pixels and the three channels, on the 0–255 scale of the bytes. A
/// smeared or blurred frame loses it, a noisy one gains it, so the ratio of an imagined frame's energy to the true
/// frame's puts a number on what a rollout GIF shows (PAN §7's long-horizon quality, at this scale).
/// </summary>
public static class Sharpness
{
    /// <summary>The high-frequency energy of <paramref name="frame"/> (0 for a flat frame or one smaller than 3×3).</summary>
    public static double HighFrequencyEnergy(Image frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        int height = frame.Height, width = frame.Width, channels = Image.Channels;
        if (height < 3 || width < 3) return 0;
        var data = frame.Data;
        int row = width * channels;
        double sum = 0;
        for (int y = 1; y < height - 1; y++)
            for (int x = 1; x < width - 1; x++)
                for (int c = 0; c < channels; c++)
                {
                    int i = y * row + x * channels + c;
                    double laplacian = 4.0 * data[i] - data[i - channels] - data[i + channels] - data[i - row] - data[i + row];
                    sum += laplacian * laplacian;
                }
        return sum / ((height - 2) * (width - 2) * channels);
    }
}
