using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using PanGym.Gym;

namespace PanGym.Media;

/// <summary>
/// Encodes an <see cref="Image"/> as a PNG file (8-bit RGB, zlib-compressed, each row filtered with PNG's "Up" filter):
/// the minimum a vision-language endpoint needs to receive frames as <c>data:image/png;base64,…</c> URLs.
/// </summary>
public static class PngEncoder
{
    static readonly byte[] _signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
    static readonly uint[] _crcTable = BuildCrcTable();

    /// <summary>The PNG file's bytes.</summary>
    public static byte[] Encode(Image image)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var output = new MemoryStream();
        output.Write(_signature);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, image.Width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), image.Height);
        header[8] = 8; // bit depth
        header[9] = 2; // colour type: truecolour (RGB)
        WriteChunk(output, "IHDR", header);
        WriteChunk(output, "IDAT", Compress(image));
        WriteChunk(output, "IEND", []);
        return output.ToArray();
    }

    /// <summary>The image as a <c>data:image/png;base64,…</c> URL.</summary>
    public static string DataUrl(Image image) => "data:image/png;base64," + Convert.ToBase64String(Encode(image));

    /// <summary>The CRC-32 (ISO-HDLC, as PNG uses) of <paramref name="bytes"/>.</summary>
    public static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        uint crc = 0xFFFFFFFFu;
        foreach (byte b in bytes) crc = _crcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc ^ 0xFFFFFFFFu;
    }

    static byte[] Compress(Image image)
    {
        int stride = image.Width * Image.Channels;
        var data = image.Data;
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            var row = new byte[stride + 1];
            for (int y = 0; y < image.Height; y++)
            {
                row[0] = y == 0 ? (byte)0 : (byte)2; // None for the first row, Up (difference to the row above) after it
                for (int i = 0; i < stride; i++)
                    row[i + 1] = y == 0 ? data[i] : (byte)(data[y * stride + i] - data[(y - 1) * stride + i]);
                zlib.Write(row);
            }
        }
        return compressed.ToArray();
    }

    static void WriteChunk(Stream output, string type, ReadOnlySpan<byte> payload)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, payload.Length);
        output.Write(word);
        var typeAndData = new byte[4 + payload.Length];
        Encoding.ASCII.GetBytes(type, typeAndData);
        payload.CopyTo(typeAndData.AsSpan(4));
        output.Write(typeAndData);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32(typeAndData));
        output.Write(word);
    }

    static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }
}
