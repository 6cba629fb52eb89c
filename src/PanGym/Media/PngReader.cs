using System.Buffers.Binary;
using System.IO.Compression;
using PanGym.Gym;

namespace PanGym.Media;

/// <summary>
/// A minimal PNG decoder for start frames (no image library is a dependency): non-interlaced, 8 bits per sample,
/// greyscale, RGB, palette, greyscale + alpha and RGBA; the zlib stream through <see cref="ZLibStream"/>, the five
/// scanline filters (none, sub, up, average, Paeth) undone, every chunk's CRC checked. Alpha is dropped: a frame is
/// opaque RGB.
/// </summary>
public static class PngReader
{
    static readonly byte[] _signature = [137, 80, 78, 71, 13, 10, 26, 10];

    /// <summary>The largest image read, in pixels, so that a corrupt header cannot ask for gigabytes.</summary>
    public const long MaxPixels = 1L << 26;

    /// <summary>Reads the PNG file at <paramref name="path"/>; with <paramref name="expectedSize"/> (height, width), an image of another size is refused by its header, before any pixel is decoded.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidInputException">Not a PNG, corrupt, of another size than expected, or a kind this decoder does not read (the message says which).</exception>
    public static Image Read(string path, (int Height, int Width)? expectedSize = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"No PNG file at {Path.GetFullPath(path)}.", path);
        return Decode(File.ReadAllBytes(path), path, expectedSize);
    }

    /// <summary>Decodes PNG bytes; <paramref name="source"/> names them in errors, and <paramref name="expectedSize"/> (height, width) is checked against the header first.</summary>
    /// <exception cref="InvalidInputException">Not a PNG, corrupt, of another size than expected, or a kind this decoder does not read.</exception>
    public static Image Decode(ReadOnlySpan<byte> png, string source = "the PNG data", (int Height, int Width)? expectedSize = null)
    {
        if (png.Length < _signature.Length || !png[.._signature.Length].SequenceEqual(_signature))
            throw new InvalidInputException(source, $"{source} is not a PNG file (its signature is missing).");
        Header? header = null;
        byte[]? palette = null;
        using var compressed = new MemoryStream();
        int offset = _signature.Length;
        bool ended = false;
        while (!ended)
        {
            if (offset + 12 > png.Length) throw new InvalidInputException(source, $"{source} is truncated: it ends before its IEND chunk.");
            long declared = BinaryPrimitives.ReadUInt32BigEndian(png[offset..]);
            if (offset + 12L + declared > png.Length) throw new InvalidInputException(source, $"{source} is truncated inside a chunk.");
            int length = (int)declared;
            var typeAndData = png.Slice(offset + 4, 4 + length);
            string type = System.Text.Encoding.ASCII.GetString(typeAndData[..4]);
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(png[(offset + 8 + length)..]);
            if (PngEncoder.Crc32(typeAndData) != crc) throw new InvalidInputException(source, $"{source} is corrupt: the CRC of its {type} chunk does not match.");
            var data = typeAndData[4..];
            switch (type)
            {
                case "IHDR":
                    header = ReadHeader(data, source);
                    if (expectedSize is var (expectedHeight, expectedWidth) && (header.Value.Height, header.Value.Width) != (expectedHeight, expectedWidth))
                        throw new InvalidInputException(source, $"{source} is {header.Value.Width}×{header.Value.Height} pixels; {expectedWidth}×{expectedHeight} are needed (nothing was decoded).");
                    break;
                case "PLTE": palette = data.ToArray(); break;
                case "IDAT": compressed.Write(data); break;
                case "IEND": ended = true; break;
            }
            if (header is null) throw new InvalidInputException(source, $"{source} is corrupt: its first chunk is {type}, not IHDR.");
            offset += 12 + length;
        }
        var h = header!.Value;
        if (h.ColourType == 3 && palette is null) throw new InvalidInputException(source, $"{source} is a palette image without a PLTE chunk.");
        int channels = h.ColourType switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, _ => 4 };
        int stride = h.Width * channels;
        var raw = new byte[(long)h.Height * (stride + 1)];
        compressed.Position = 0;
        using (var zlib = new ZLibStream(compressed, CompressionMode.Decompress))
        {
            try
            {
                zlib.ReadExactly(raw);
            }
            catch (Exception e) when (e is EndOfStreamException or InvalidDataException)
            {
                throw new InvalidInputException(source, $"{source} is corrupt: its image data does not decompress to {h.Width}×{h.Height} pixels ({e.Message}).", e);
            }
        }
        var pixels = Unfilter(raw, h.Height, stride, channels, source);
        return ToRgb(pixels, h, channels, palette, source);
    }

    readonly record struct Header(int Width, int Height, int ColourType);

    static Header ReadHeader(ReadOnlySpan<byte> data, string source)
    {
        if (data.Length != 13) throw new InvalidInputException(source, $"{source} is corrupt: its IHDR chunk has {data.Length} bytes, not 13.");
        long width = BinaryPrimitives.ReadUInt32BigEndian(data), height = BinaryPrimitives.ReadUInt32BigEndian(data[4..]);
        byte depth = data[8], colour = data[9], compression = data[10], filter = data[11], interlace = data[12];
        if (width == 0 || height == 0 || width * height > MaxPixels)
            throw new InvalidInputException(source, $"{source} is {width}×{height} pixels; this reader takes 1 to {MaxPixels} pixels.");
        if (colour is not (0 or 2 or 3 or 4 or 6)) throw new InvalidInputException(source, $"{source} has an invalid colour type {colour}.");
        if (depth != 8) throw new InvalidInputException(source, $"{source} has {depth} bits per sample; this reader takes only 8 (convert it, e.g. ffmpeg -i in.png -pix_fmt rgb24 out.png).");
        if (compression != 0 || filter != 0) throw new InvalidInputException(source, $"{source} uses an unknown compression ({compression}) or filter method ({filter}).");
        if (interlace != 0) throw new InvalidInputException(source, $"{source} is interlaced (Adam7); this reader takes only non-interlaced PNGs.");
        return new Header((int)width, (int)height, colour);
    }

    static byte[] Unfilter(byte[] raw, int height, int stride, int bytesPerPixel, string source)
    {
        var pixels = new byte[height * stride];
        for (int y = 0; y < height; y++)
        {
            int filter = raw[y * (stride + 1)];
            var line = raw.AsSpan(y * (stride + 1) + 1, stride);
            var current = pixels.AsSpan(y * stride, stride);
            var previous = y == 0 ? Span<byte>.Empty : pixels.AsSpan((y - 1) * stride, stride);
            for (int x = 0; x < stride; x++)
            {
                int a = x >= bytesPerPixel ? current[x - bytesPerPixel] : 0;
                int b = y > 0 ? previous[x] : 0;
                int c = x >= bytesPerPixel && y > 0 ? previous[x - bytesPerPixel] : 0;
                int predictor = filter switch
                {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => (a + b) >> 1,
                    4 => Paeth(a, b, c),
                    _ => throw new InvalidInputException(source, $"{source} is corrupt: row {y} has the unknown filter type {filter}."),
                };
                current[x] = (byte)(line[x] + predictor);
            }
        }
        return pixels;
    }

    static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    static Image ToRgb(byte[] pixels, Header header, int channels, byte[]? palette, string source)
    {
        var image = new Image(header.Height, header.Width);
        var rgb = image.Data;
        for (int i = 0, n = header.Width * header.Height; i < n; i++)
        {
            int p = i * channels, o = i * Image.Channels;
            switch (header.ColourType)
            {
                case 0 or 4:
                    rgb[o] = rgb[o + 1] = rgb[o + 2] = pixels[p];
                    break;
                case 3:
                    int entry = pixels[p] * 3;
                    if (entry + 2 >= palette!.Length) throw new InvalidInputException(source, $"{source} is corrupt: a pixel names palette entry {pixels[p]}, past the palette's end.");
                    (rgb[o], rgb[o + 1], rgb[o + 2]) = (palette[entry], palette[entry + 1], palette[entry + 2]);
                    break;
                default:
                    (rgb[o], rgb[o + 1], rgb[o + 2]) = (pixels[p], pixels[p + 1], pixels[p + 2]);
                    break;
            }
        }
        return image;
    }
}
