using static TorchSharp.torch;

namespace PanGym.Backbone.ImageProcessing;

/// <summary>
/// One image as the vision tower reads it (Hugging Face's <c>pixel_values</c> and <c>image_grid_thw</c> for it):
/// <see cref="Grid"/>.Patches rows of <see cref="RowWidth"/> values each, row-major in <see cref="PixelValues"/>.
/// </summary>
/// <param name="PixelValues">The patch rows, [patches × row width], float32.</param>
/// <param name="Grid">The patch grid (temporal, rows, columns).</param>
/// <param name="RowWidth">Values per row: channels × temporal patch × patch².</param>
public sealed record ProcessedImage(float[] PixelValues, ImageGrid Grid, int RowWidth)
{
    /// <summary>Rows of <see cref="PixelValues"/> (one per patch).</summary>
    public int Rows => Grid.Patches;

    /// <summary>The rows of several images stacked in order as one tensor [Σ patches, row width] (the caller disposes it).</summary>
    /// <exception cref="ArgumentException">No images, or images with different row widths.</exception>
    public static Tensor Stack(IReadOnlyList<ProcessedImage> images, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0) throw new ArgumentException("No images to stack.", nameof(images));
        int width = images[0].RowWidth;
        if (images.Any(image => image.RowWidth != width))
            throw new ArgumentException($"Images have different patch row widths: {string.Join(", ", images.Select(image => image.RowWidth))}.", nameof(images));
        var values = new float[images.Sum(image => (long)image.PixelValues.Length)];
        long offset = 0;
        foreach (var image in images)
        {
            image.PixelValues.CopyTo(values, offset);
            offset += image.PixelValues.Length;
        }
        return tensor(values, [values.Length / width, width], device: device);
    }
}
