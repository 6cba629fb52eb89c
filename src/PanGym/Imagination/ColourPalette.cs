using PanGym.Data;
using PanGym.Gym;
using static TorchSharp.torch;

namespace PanGym.Imagination;

/// <summary>
/// The few flat colours a rendered world is drawn in, and the projection of an imagined frame onto them: each pixel
/// becomes the palette colour nearest to it. PAN's closed loop (§5) re-encodes each decoded frame so that an imagined
/// trajectory keeps returning to states the encoder makes from real-looking frames; in a world drawn in flat colours a
/// real-looking frame has only those colours, and snapping to them rounds away the sub-pixel blur that the decoder
/// leaves at an object's edges before it can compound, step after step, into a drifting smear. Natural video has no
/// such palette: <see cref="FromFrames"/> returns null for it and imagination stays unprojected.
/// </summary>
public sealed class ColourPalette
{
    /// <summary>The most colours a palette holds; frames with more distinct colours are not flat-coloured.</summary>
    public const int MaxColours = 32;

    readonly byte[][] _colours;

    /// <summary>A palette of the given RGB colours (at least two, at most <see cref="MaxColours"/>, no repeats).</summary>
    /// <exception cref="ArgumentException">Fewer than two colours, more than <see cref="MaxColours"/>, a colour that is not 3 bytes, or a repeat.</exception>
    public ColourPalette(IReadOnlyList<byte[]> colours)
    {
        ArgumentNullException.ThrowIfNull(colours);
        if (colours.Count < 2 || colours.Count > MaxColours)
            throw new ArgumentException($"A palette holds 2 to {MaxColours} colours; got {colours.Count}.", nameof(colours));
        if (colours.Any(c => c is null || c.Length != Image.Channels))
            throw new ArgumentException("Each palette colour is 3 bytes (R, G, B).", nameof(colours));
        if (colours.Select(Key).Distinct().Count() != colours.Count)
            throw new ArgumentException("The palette repeats a colour.", nameof(colours));
        _colours = [.. colours.Select(c => (byte[])c.Clone())];
    }

    /// <summary>The palette's colours, RGB bytes, most frequent first when made by <see cref="FromFrames"/>.</summary>
    public IReadOnlyList<byte[]> Colours => _colours;

    /// <summary>
    /// The palette of <paramref name="frames"/>: every exact colour they hold, most frequent first, when there are at
    /// most <see cref="MaxColours"/>; null for more (natural images, antialiased or noisy renderings) or fewer than two
    /// (a blank world), so that only worlds drawn in flat colours are projected, and no colour that appears is lost.
    /// </summary>
    /// <exception cref="ArgumentException">No frames.</exception>
    public static ColourPalette? FromFrames(IEnumerable<Image> frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        var counts = new Dictionary<int, long>();
        bool any = false;
        foreach (var frame in frames)
        {
            any = true;
            var data = frame.Data;
            for (int i = 0; i < data.Length; i += Image.Channels)
            {
                int key = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
                counts[key] = counts.GetValueOrDefault(key) + 1;
                if (counts.Count > MaxColours) return null;
            }
        }
        if (!any) throw new ArgumentException("A palette needs at least one frame.", nameof(frames));
        if (counts.Count < 2) return null;
        return new ColourPalette([.. counts.OrderByDescending(c => c.Value).ThenBy(c => c.Key).Select(c => new[] { (byte)(c.Key >> 16), (byte)(c.Key >> 8), (byte)c.Key })]);
    }

    /// <summary>
    /// <paramref name="pixels"/> [B, 3, H, W] in model pixels ([−1, 1], <see cref="ModelPixels"/>) with each pixel replaced
    /// by its nearest palette colour (Euclidean in RGB), in the caller's dispose scope.
    /// </summary>
    public Tensor Snap(Tensor pixels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        if (pixels.dim() != 4 || pixels.shape[1] != Image.Channels)
            throw new ArgumentException($"Frames to snap must be [B, 3, H, W]; got {TensorShape.Format(pixels.shape)}.", nameof(pixels));
        using var scope = NewDisposeScope();
        var bytes = tensor(_colours.SelectMany(c => c).ToArray(), [_colours.Length, 1, 1, Image.Channels]);
        var palette = ModelPixels.FromBytes(bytes).flatten(1).to(pixels.dtype).to(pixels.device);     // [K, 3]
        var flat = pixels.permute(0, 2, 3, 1).reshape(-1, Image.Channels);                              // [BHW, 3]
        var nearest = cdist(flat, palette).argmin(1);
        var snapped = palette.index_select(0, nearest).view(pixels.shape[0], pixels.shape[2], pixels.shape[3], Image.Channels);
        return snapped.permute(0, 3, 1, 2).contiguous().MoveToOuterDisposeScope();
    }

    static int Key(byte[] c) => c is { Length: 3 } ? (c[0] << 16) | (c[1] << 8) | c[2] : -1;
}
