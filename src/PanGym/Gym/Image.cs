using static TorchSharp.torch;

namespace PanGym.Gym;

/// <summary>
/// An RGB frame: <see cref="Height"/> × <see cref="Width"/> × 3 bytes, row-major, channels last (as Gymnasium's
/// <c>rgb_array</c> renders). Observations, renders and decoded predictions all use this type; it converts to and
/// from the channels-first float tensors the world model consumes.
/// </summary>
public sealed class Image : IEquatable<Image>
{
    /// <summary>Number of colour channels (always 3: red, green, blue).</summary>
    public const int Channels = 3;

    /// <summary>Creates a black frame of the given size.</summary>
    public Image(int height, int width) : this(height, width, new byte[CheckedLength(height, width)]) { }

    /// <summary>Wraps <paramref name="data"/> (H × W × 3 bytes, row-major RGB); the array is used, not copied.</summary>
    public Image(int height, int width, byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        int expected = CheckedLength(height, width);
        if (data.Length != expected)
            throw new ArgumentException($"An {height}×{width} RGB image needs {expected} bytes, got {data.Length}.", nameof(data));
        Height = height;
        Width = width;
        Data = data;
    }

    /// <summary>Rows.</summary>
    public int Height { get; }

    /// <summary>Columns.</summary>
    public int Width { get; }

    /// <summary>The pixels, H × W × 3 bytes, row-major RGB.</summary>
    public byte[] Data { get; }

    /// <summary>The pixel at column <paramref name="x"/>, row <paramref name="y"/>.</summary>
    public (byte R, byte G, byte B) this[int x, int y]
    {
        get
        {
            int i = Offset(x, y);
            return (Data[i], Data[i + 1], Data[i + 2]);
        }
        set
        {
            int i = Offset(x, y);
            (Data[i], Data[i + 1], Data[i + 2]) = value;
        }
    }

    /// <summary>Sets every pixel to one colour.</summary>
    public void Fill((byte R, byte G, byte B) colour)
    {
        for (int i = 0; i < Data.Length; i += Channels)
            (Data[i], Data[i + 1], Data[i + 2]) = colour;
    }

    /// <summary>A deep copy.</summary>
    public Image Clone() => new(Height, Width, (byte[])Data.Clone());

    /// <summary>Nearest-neighbour enlargement by an integer factor (for viewing small frames).</summary>
    public Image Upscale(int factor)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(factor, 1);
        if (factor == 1) return Clone();
        var result = new Image(Height * factor, Width * factor);
        for (int y = 0; y < result.Height; y++)
            for (int x = 0; x < result.Width; x++)
                result[x, y] = this[x / factor, y / factor];
        return result;
    }

    /// <summary>Throws when this frame is not <paramref name="height"/> × <paramref name="width"/>.</summary>
    public void EnsureSize(int height, int width, string what = "frame")
    {
        if (Height != height || Width != width)
            throw new ArgumentException($"Wrong image size for the {what}: expected {height}×{width} (H×W), got {Height}×{Width}.");
    }

    /// <summary>The frame as a float32 tensor [3, H, W] with values in [0, 1].</summary>
    public Tensor ToTensor()
    {
        using var scope = NewDisposeScope();
        var bytes = tensor(Data, ScalarType.Byte).reshape(Height, Width, Channels);
        return bytes.permute(2, 0, 1).to_type(ScalarType.Float32).div_(255f).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>Stacks frames of one size into a float32 tensor [B, 3, H, W] in [0, 1].</summary>
    public static Tensor ToTensor(IReadOnlyList<Image> frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        if (frames.Count == 0) throw new ArgumentException("Cannot stack an empty list of frames.", nameof(frames));
        using var scope = NewDisposeScope();
        var parts = frames.Select(f =>
        {
            f.EnsureSize(frames[0].Height, frames[0].Width, "stacked frame");
            return f.ToTensor();
        }).ToArray();
        return stack(parts).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// A frame from a tensor: float [3, H, W] in [0, 1] (values are clamped and rounded) or uint8 [H, W, 3].
    /// </summary>
    public static Image FromTensor(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var t = tensor.detach().cpu();
        Tensor hwc;
        if (t.dtype == ScalarType.Byte)
        {
            if (t.dim() != 3 || t.shape[2] != Channels)
                throw new ArgumentException($"A uint8 frame tensor must be [H, W, 3]; got {TensorShape.Format(t.shape)}.");
            hwc = t;
        }
        else
        {
            if (t.dim() != 3 || t.shape[0] != Channels)
                throw new ArgumentException($"A float frame tensor must be [3, H, W]; got {TensorShape.Format(t.shape)}.");
            hwc = t.to_type(ScalarType.Float32).clamp(0f, 1f).mul(255f).round().to_type(ScalarType.Byte).permute(1, 2, 0);
        }
        var data = hwc.contiguous().data<byte>().ToArray();
        return new Image((int)hwc.shape[0], (int)hwc.shape[1], data);
    }

    /// <inheritdoc />
    public bool Equals(Image? other) =>
        other is not null && other.Height == Height && other.Width == Width && Data.AsSpan().SequenceEqual(other.Data);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as Image);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Height);
        hash.Add(Width);
        hash.AddBytes(Data);
        return hash.ToHashCode();
    }

    /// <inheritdoc />
    public override string ToString() => $"Image({Height}×{Width}×3)";

    int Offset(int x, int y)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height)
            throw new ArgumentOutOfRangeException(nameof(x), $"Pixel ({x}, {y}) is outside the {Width}×{Height} frame.");
        return (y * Width + x) * Channels;
    }

    static int CheckedLength(int height, int width)
    {
        if (height <= 0 || width <= 0)
            throw new ArgumentException($"Image size must be positive, got {height}×{width}.");
        long length = (long)height * width * Channels;
        if (length > Array.MaxLength)
            throw new ArgumentException($"An {height}×{width} RGB image needs {length:N0} bytes, more than one array holds ({Array.MaxLength:N0}).");
        return (int)length;
    }
}
