namespace PanGym.Gym.Spaces;

/// <summary>
/// RGB frames of a fixed size: Gymnasium's <c>Box(0, 255, (H, W, 3), uint8)</c>, typed as <see cref="Image"/>.
/// </summary>
public sealed class ImageSpace : Space<Image>
{
    /// <summary>Frames of <paramref name="height"/> × <paramref name="width"/> pixels.</summary>
    public ImageSpace(int height, int width)
    {
        if (height <= 0 || width <= 0) throw new ArgumentException($"Image size must be positive, got {height}×{width}.");
        Height = height;
        Width = width;
    }

    /// <summary>Rows.</summary>
    public int Height { get; }

    /// <summary>Columns.</summary>
    public int Width { get; }

    /// <inheritdoc />
    public override IReadOnlyList<int> Shape => [Height, Width, Image.Channels];

    /// <summary>The equivalent Gymnasium box (values 0–255, shape H × W × 3).</summary>
    public Box AsBox() => new(0, 255, Height, Width, Image.Channels);

    /// <inheritdoc />
    public override bool Contains(Image value) => value is not null && value.Height == Height && value.Width == Width;

    /// <inheritdoc />
    public override Image Sample()
    {
        var image = new Image(Height, Width);
        Random.NextBytes(image.Data);
        return image;
    }

    /// <inheritdoc />
    public override string ToString() => $"ImageSpace({Height}×{Width}×3, uint8)";
}
