using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using PanGym.Gym;

namespace PanGym.Tests.Media;

/// <summary>A small PNG encoder for tests: any colour type at 8 bits, a chosen scanline filter per row, the data split over several IDAT chunks.</summary>
internal static class TestPng
{
    public static byte[] Encode(Image image, int colourType = 2, Func<int, int>? filterOfRow = null, int bitDepth = 8, int interlace = 0, int idatChunks = 1)
    {
        filterOfRow ??= _ => 0;
        var palette = colourType == 3 ? Palette(image) : null;
        int channels = colourType switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, 6 => 4, _ => throw new ArgumentOutOfRangeException(nameof(colourType)) };
        int stride = image.Width * channels;
        var rows = new byte[image.Height][];
        for (int y = 0; y < image.Height; y++)
        {
            rows[y] = new byte[stride];
            for (int x = 0; x < image.Width; x++)
            {
                var (r, g, b) = image[x, y];
                byte alpha = (byte)(255 - (x + y) % 7);
                byte[] sample = colourType switch
                {
                    0 => [r],
                    2 => [r, g, b],
                    3 => [(byte)palette!.IndexOf((r, g, b))],
                    4 => [r, alpha],
                    _ => [r, g, b, alpha],
                };
                sample.CopyTo(rows[y], x * channels);
            }
        }
        using var raw = new MemoryStream();
        for (int y = 0; y < image.Height; y++)
        {
            int filter = filterOfRow(y);
            raw.WriteByte((byte)filter);
            for (int x = 0; x < stride; x++)
            {
                int a = x >= channels ? rows[y][x - channels] : 0;
                int b = y > 0 ? rows[y - 1][x] : 0;
                int c = x >= channels && y > 0 ? rows[y - 1][x - channels] : 0;
                int predictor = filter switch { 0 => 0, 1 => a, 2 => b, 3 => (a + b) / 2, _ => Paeth(a, b, c) };
                raw.WriteByte((byte)(rows[y][x] - predictor));
            }
        }
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true)) raw.WriteTo(zlib);
        var data = compressed.ToArray();

        using var png = new MemoryStream();
        png.Write([137, 80, 78, 71, 13, 10, 26, 10]);
        var header = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)image.Width);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), (uint)image.Height);
        (header[8], header[9], header[10], header[11], header[12]) = ((byte)bitDepth, (byte)colourType, 0, 0, (byte)interlace);
        Chunk(png, "IHDR", header);
        if (palette is not null) Chunk(png, "PLTE", [.. palette.SelectMany(c => new[] { c.R, c.G, c.B })]);
        int part = (data.Length + idatChunks - 1) / idatChunks;
        for (int start = 0; start < data.Length; start += part) Chunk(png, "IDAT", data.AsSpan(start, Math.Min(part, data.Length - start)));
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    static List<(byte R, byte G, byte B)> Palette(Image image)
    {
        var colours = new List<(byte R, byte G, byte B)>();
        for (int y = 0; y < image.Height; y++)
            for (int x = 0; x < image.Width; x++)
                if (!colours.Contains(image[x, y])) colours.Add(image[x, y]);
        return colours.Count <= 256 ? colours : throw new ArgumentException("Too many colours for a palette.");
    }

    static void Chunk(Stream png, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(word, (uint)data.Length);
        png.Write(word);
        var typeAndData = new byte[4 + data.Length];
        Encoding.ASCII.GetBytes(type).CopyTo(typeAndData, 0);
        data.CopyTo(typeAndData.AsSpan(4));
        png.Write(typeAndData);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32(typeAndData));
        png.Write(word);
    }

    static uint Crc32(byte[] bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte value in bytes)
        {
            crc ^= value;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
        }
        return ~crc;
    }

    static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
