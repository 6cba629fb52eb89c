using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;
using TorchSharp;

namespace PanGym.IO;

/// <summary>
/// A safetensors file (https://github.com/huggingface/safetensors) opened for reading: the header is parsed and
/// validated up front, and each <see cref="Read"/> copies one tensor's bytes with positional reads straight from
/// the file into a new tensor's storage. No step holds the file (or a whole tensor) in managed memory, so a
/// multi-GB checkpoint needs only the memory of the tensors actually read.
/// </summary>
/// <remarks>
/// Positional reads rather than a memory map: both copy once, but reading 256 MiB through a
/// <c>MemoryMappedFile</c> took about twice as long on this project's machine (page faults on the mapping as well
/// as on the new tensor). <c>torch.from_file</c> maps from offset 0 only and TorchSharp has no <c>view(dtype)</c>
/// to reinterpret a byte slice, so it offers no shortcut either.
/// Safetensors data is little-endian: big-endian hosts are not supported and <see cref="Open"/> throws
/// <see cref="PlatformNotSupportedException"/> there. Reads may run concurrently.
/// </remarks>
public sealed class SafetensorsFile : IDisposable
{
    private const int LengthPrefixBytes = 8;

    private readonly SafeFileHandle _handle;
    private readonly long _dataStart;

    private SafetensorsFile(string path, SafeFileHandle handle, long dataStart, SafetensorsHeader header)
    {
        Path = path;
        _handle = handle;
        _dataStart = dataStart;
        Tensors = header.Tensors;
        Metadata = header.Metadata;
    }

    /// <summary>The path the file was opened from.</summary>
    public string Path { get; }

    /// <summary>The tensors in the file by name, in header order.</summary>
    public IReadOnlyDictionary<string, SafetensorsTensorInfo> Tensors { get; }

    /// <summary>The header's <c>__metadata__</c> string map (empty when absent).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>
    /// Opens <paramref name="path"/> and reads and validates its header (lengths, JSON, dtypes, shapes, offsets that
    /// cover the data section exactly), keeping the file open for <see cref="Read"/>. Throws
    /// <see cref="SafetensorsFormatException"/> on a malformed file, before any data byte is used.
    /// </summary>
    public static SafetensorsFile Open(string path)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Safetensors reading requires a little-endian host.");
        }
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        try
        {
            long fileLength = RandomAccess.GetLength(handle);
            if (fileLength < LengthPrefixBytes)
            {
                throw new SafetensorsFormatException(path, $"file is {fileLength} bytes, shorter than the {LengthPrefixBytes}-byte header length prefix");
            }
            Span<byte> prefix = stackalloc byte[LengthPrefixBytes];
            ReadExactly(path, handle, prefix, 0);
            ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
            if (headerLength > (ulong)(fileLength - LengthPrefixBytes))
            {
                throw new SafetensorsFormatException(path, $"header length {headerLength} reaches past the end of the file ({fileLength - LengthPrefixBytes} bytes follow the prefix)");
            }
            if (headerLength > SafetensorsHeader.MaxLength)
            {
                throw new SafetensorsFormatException(path, $"header length {headerLength} exceeds the {SafetensorsHeader.MaxLength}-byte limit");
            }
            var json = new byte[headerLength];
            ReadExactly(path, handle, json, LengthPrefixBytes);
            long dataStart = LengthPrefixBytes + (long)headerLength;
            var header = SafetensorsHeader.Parse(path, json, fileLength - dataStart);
            return new SafetensorsFile(path, handle, dataStart, header);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads tensor <paramref name="name"/> into a new CPU tensor with the stored dtype and shape, which the caller
    /// owns (it joins the current dispose scope like any factory result). Bits are copied exactly (bf16 included).
    /// </summary>
    public torch.Tensor Read(string name)
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        if (!Tensors.TryGetValue(name, out var info))
        {
            throw new KeyNotFoundException($"Safetensors file '{Path}' has no tensor '{name}' ({Tensors.Count} tensors).");
        }
        var tensor = torch.empty(info.Shape, info.DType);
        try
        {
            TensorByteChunks.ForEach(tensor, (chunk, offset) => ReadExactly(Path, _handle, chunk, _dataStart + info.Begin + offset));
            return tensor;
        }
        catch
        {
            tensor.Dispose();
            throw;
        }
    }

    /// <summary>Closes the file. Tensors already read stay valid: they own their storage.</summary>
    public void Dispose() => _handle.Dispose();

    private static void ReadExactly(string path, SafeFileHandle handle, Span<byte> destination, long fileOffset)
    {
        while (!destination.IsEmpty)
        {
            int read = RandomAccess.Read(handle, destination, fileOffset);
            if (read == 0)
            {
                throw new SafetensorsFormatException(path, $"file ended at byte {fileOffset} while reading; was it truncated after opening?");
            }
            destination = destination[read..];
            fileOffset += read;
        }
    }
}
