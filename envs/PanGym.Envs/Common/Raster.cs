using PanGym.Gym;
using Rgb = (byte R, byte G, byte B);

namespace PanGym.Envs;

/// <summary>
/// An exact rasterizer for the ground-truth renderers: a pixel (x, y) covers [x, x+1) × [y, y+1) and is filled when
/// its centre lies inside the shape. No anti-aliasing, so a state probe can invert the rendering exactly. Drawing is
/// clipped to the frame. Draw a new environment's frames with it, so that a <see cref="PaletteCentroids"/> probe can read
/// them back exactly.
/// </summary>
public static class Raster
{
    /// <summary>A <paramref name="size"/>-square frame of background with the goal square on it, the backdrop of every scene.</summary>
    public static Image Backdrop(int size, GoalRegion goal)
    {
        ArgumentNullException.ThrowIfNull(goal);
        var frame = new Image(size, size);
        frame.Fill(Palette.Background);
        FillRectangle(frame, goal.X, goal.Y, goal.Size, goal.Size, Palette.Goal);
        return frame;
    }

    /// <summary>Fills the <paramref name="width"/> × <paramref name="height"/> rectangle whose top-left pixel is (<paramref name="left"/>, <paramref name="top"/>).</summary>
    public static void FillRectangle(Image image, int left, int top, int width, int height, Rgb colour)
    {
        ArgumentNullException.ThrowIfNull(image);
        for (int y = Math.Max(top, 0); y < Math.Min(top + height, image.Height); y++)
            for (int x = Math.Max(left, 0); x < Math.Min(left + width, image.Width); x++)
                image[x, y] = colour;
    }

    /// <summary>Fills the pixels whose centres lie within <paramref name="radius"/> of the real-valued centre.</summary>
    public static void FillDisc(Image image, double centreX, double centreY, double radius, Rgb colour)
    {
        ArgumentNullException.ThrowIfNull(image);
        int x0 = Math.Max((int)Math.Floor(centreX - radius), 0), x1 = Math.Min((int)Math.Ceiling(centreX + radius), image.Width - 1);
        int y0 = Math.Max((int)Math.Floor(centreY - radius), 0), y1 = Math.Min((int)Math.Ceiling(centreY + radius), image.Height - 1);
        for (int y = y0; y <= y1; y++)
            for (int x = x0; x <= x1; x++)
            {
                double dx = x + 0.5 - centreX, dy = y + 0.5 - centreY;
                if (dx * dx + dy * dy <= radius * radius) image[x, y] = colour;
            }
    }

    /// <summary>
    /// Fills an upward isosceles triangle in the <paramref name="size"/>-pixel box at (<paramref name="left"/>,
    /// <paramref name="top"/>): apex at the top centre, base along the bottom row (pixel centres with
    /// |x + ½ − size/2| ≤ (y + ½)/2, in box coordinates).
    /// </summary>
    public static void FillTriangle(Image image, int left, int top, int size, Rgb colour)
    {
        ArgumentNullException.ThrowIfNull(image);
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
                if (Math.Abs(2 * x + 1 - size) <= y && InFrame(image, left + x, top + y))
                    image[left + x, top + y] = colour;
    }

    /// <summary>Draws a ShapesWorld shape in its <paramref name="size"/>-pixel box at (<paramref name="left"/>, <paramref name="top"/>).</summary>
    public static void FillShape(Image image, ShapeKind kind, int left, int top, int size)
    {
        ArgumentNullException.ThrowIfNull(image);
        var colour = kind.Colour();
        switch (kind)
        {
            case ShapeKind.Circle: FillDisc(image, left + size / 2.0, top + size / 2.0, size / 2.0, colour); break;
            case ShapeKind.Square: FillRectangle(image, left, top, size, size, colour); break;
            case ShapeKind.Triangle: FillTriangle(image, left, top, size, colour); break;
            default: throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a shape.");
        }
    }

    static bool InFrame(Image image, int x, int y) => (uint)x < (uint)image.Width && (uint)y < (uint)image.Height;
}
