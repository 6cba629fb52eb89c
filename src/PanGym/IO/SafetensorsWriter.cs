using System.Buffers.Binary;
using TorchSharp;

namespace PanGym.IO;

/// <summary>
/// Writes tensors in the safetensors format (https://github.com/huggingface/safetensors): an 8-byte little-endian
/// header length, a JSON header padded with spaces to a multiple of 8, then each tensor's bytes back to back in the
/// given order. Big-endian hosts are not supported.
/// </summary>
public static class SafetensorsWriter
{
    /// <summary>
    /// Saves <paramref name="tensors"/> (any device, any layout: each is copied to contiguous CPU memory one at a time)
    /// with optional string <paramref name="metadata"/> to <paramref name="path"/>. The file is written under a
    /// temporary name in the same folder and moved into place, so a crash never leaves a half-written file at
    /// <paramref name="path"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A duplicate or reserved name, or a dtype safetensors cannot hold here.</exception>
    public static void Save(string path, IEnumerable<KeyValuePair<string, torch.Tensor>> tensors,
                            IReadOnlyDictionary<string, string>? metadata = null)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Safetensors writing requires a little-endian host.");
        }
        var entries = tensors.ToList();
        var header = SafetensorsHeader.Serialize(Layout(entries), metadata);
        string temporaryPath = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var stream = new FileStream(temporaryPath, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                Span<byte> prefix = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
                stream.Write(prefix);
                stream.Write(header);
                foreach (var (_, tensor) in entries)
                {
                    using var scope = torch.NewDisposeScope();
                    var contiguous = tensor.detach().cpu().contiguous();
                    TensorByteChunks.ForEach(contiguous, (chunk, _) => stream.Write(chunk));
                }
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporaryPath, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporaryPath);
            throw;
        }
    }

    private static List<SafetensorsTensorInfo> Layout(List<KeyValuePair<string, torch.Tensor>> entries)
    {
        var names = new HashSet<string>();
        var layout = new List<SafetensorsTensorInfo>(entries.Count);
        long offset = 0;
        foreach (var (name, tensor) in entries)
        {
            if (name == SafetensorsHeader.MetadataKey)
            {
                throw new ArgumentException($"'{SafetensorsHeader.MetadataKey}' is reserved for metadata and cannot name a tensor.", nameof(entries));
            }
            if (!names.Add(name))
            {
                throw new ArgumentException($"Duplicate tensor name '{name}'.", nameof(entries));
            }
            if (SafetensorsDType.NameOf(tensor.dtype) is null)
            {
                throw new ArgumentException($"Tensor '{name}' has dtype {tensor.dtype}, which safetensors cannot store here (supported: {SafetensorsDType.SupportedNames}).", nameof(entries));
            }
            long byteLength = tensor.numel() * SafetensorsDType.SizeOf(tensor.dtype);
            layout.Add(new SafetensorsTensorInfo(name, tensor.dtype, tensor.shape, offset, offset + byteLength));
            offset += byteLength;
        }
        return layout;
    }
}
