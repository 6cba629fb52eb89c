using PanGym.Gym;

namespace PanGym.Evaluation;

/// <summary>Puts frames of one height next to each other, left to right, with a white gap between, for videos beside the truth.</summary>
public static class SideBySideFrames
{
    /// <summary>The gap between panels, in pixels.</summary>
    public const int Gap = 1;

    /// <summary>One frame holding <paramref name="panels"/> left to right.</summary>
    /// <exception cref="ArgumentException">No panels, or panels of different heights.</exception>
    public static Image Compose(params IReadOnlyList<Image> panels)
    {
        ArgumentNullException.ThrowIfNull(panels);
        if (panels.Count == 0) throw new ArgumentException("Nothing to put side by side.", nameof(panels));
        int height = panels[0].Height;
        if (panels.FirstOrDefault(p => p.Height != height) is Image other)
            throw new ArgumentException($"Panels side by side must share a height; got {height} and {other.Height}.", nameof(panels));
        int width = panels.Sum(p => p.Width) + Gap * (panels.Count - 1);
        var result = new Image(height, width);
        result.Fill((255, 255, 255));
        int left = 0;
        foreach (var panel in panels)
        {
            for (int y = 0; y < height; y++)
                Array.Copy(panel.Data, y * panel.Width * Image.Channels, result.Data, (y * width + left) * Image.Channels, panel.Width * Image.Channels);
            left += panel.Width + Gap;
        }
        return result;
    }
}
