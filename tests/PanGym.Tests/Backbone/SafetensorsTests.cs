using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using PanGym.Backbone;
using TorchSharp;
using PanGym.IO;

namespace PanGym.Tests.Backbone;

public sealed class SafetensorsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pangym-safetensors-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string FilePath(string name) => Path.Combine(_folder, name);

    /// <summary>Writes a file byte by byte: prefix (or a forced length), header JSON padded to 8, then data.</summary>
    private string WriteRaw(string name, string headerJson, byte[] data, ulong? headerLengthOverride = null) =>
        WriteRaw(name, Encoding.UTF8.GetBytes(headerJson), data, headerLengthOverride);

    private string WriteRaw(string name, byte[] headerJson, byte[] data, ulong? headerLengthOverride = null)
    {
        var header = headerJson.ToList();
        while (header.Count % 8 != 0)
        {
            header.Add((byte)' ');
        }
        var bytes = new byte[8 + header.Count + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, headerLengthOverride ?? (ulong)header.Count);
        header.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + header.Count);
        string path = FilePath(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static byte[] RawBytes(torch.Tensor tensor)
    {
        using var contiguous = tensor.contiguous();
        return contiguous.numel() == 0 ? [] : contiguous.bytes.ToArray();
    }

    private static IEnumerable<KeyValuePair<string, torch.Tensor>> EveryDType()
    {
        var float32 = torch.tensor(new[] { 1.5f, -0.0f, float.NaN, float.PositiveInfinity, 3.1e-5f, -7e20f }).reshape(2, 3);
        yield return new("f32", float32);
        yield return new("f64", torch.tensor(new[] { Math.PI, -1e-300, double.NegativeInfinity }));
        yield return new("f16", float32.to(torch.ScalarType.Float16));
        yield return new("bf16", torch.randn(4, 5, 3).to(torch.ScalarType.BFloat16));
        yield return new("bf16_specials", float32.to(torch.ScalarType.BFloat16));
        yield return new("i64", torch.tensor(new[] { long.MinValue, -1L, long.MaxValue }));
        yield return new("i32", torch.tensor(new[] { int.MinValue, 7, int.MaxValue }).reshape(3, 1));
        yield return new("i16", torch.tensor(new short[] { short.MinValue, 0, short.MaxValue }));
        yield return new("i8", torch.tensor(new sbyte[] { sbyte.MinValue, -1, sbyte.MaxValue }));
        yield return new("u8", torch.tensor(new byte[] { 0, 128, 255, 1 }).reshape(2, 2));
        yield return new("bool", torch.tensor(new[] { true, false, false, true, true }));
        yield return new("scalar", torch.tensor(42.25f));
        yield return new("zero_size", torch.zeros(3, 0, 2, torch.ScalarType.BFloat16));
        yield return new("empty_bool", torch.zeros(0, torch.ScalarType.Bool));
    }

    [Fact]
    public void RoundTrip_EveryDType_IsBitExact_WithShapesAndOrder()
    {
        using var scope = torch.NewDisposeScope();
        var originals = EveryDType().ToList();
        string path = FilePath("all.safetensors");
        SafetensorsWriter.Save(path, originals);

        using var file = SafetensorsFile.Open(path);
        Assert.Equal(originals.Select(o => o.Key), file.Tensors.Keys);
        foreach (var (name, original) in originals)
        {
            var read = file.Read(name);
            Assert.Equal(original.dtype, read.dtype);
            Assert.Equal(original.shape, read.shape);
            Assert.Equal(original.dtype, file.Tensors[name].DType);
            Assert.Equal(original.shape, file.Tensors[name].Shape);
            Assert.Equal(RawBytes(original), RawBytes(read));
            Assert.Equal(DeviceType.CPU, read.device_type);
        }
        Assert.Empty(file.Metadata);
    }

    [Fact]
    public void RoundTrip_NonContiguousTensor_IsStoredContiguously()
    {
        using var scope = torch.NewDisposeScope();
        var transposed = torch.arange(12, dtype: torch.ScalarType.Float32).reshape(3, 4).t();
        Assert.False(transposed.is_contiguous());
        string path = FilePath("transposed.safetensors");
        SafetensorsWriter.Save(path, [new("t", transposed)]);

        using var file = SafetensorsFile.Open(path);
        var read = file.Read("t");
        Assert.Equal(new long[] { 4, 3 }, read.shape);
        Assert.True(transposed.Equals(read));
    }

    [Fact]
    public void RoundTrip_Metadata_AndHeaderIsPaddedTo8BytesInGivenOrder()
    {
        using var scope = torch.NewDisposeScope();
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["step"] = "1200", ["note"] = "äöü \"quoted\"" };
        string path = FilePath("meta.safetensors");
        SafetensorsWriter.Save(path, [new("z", torch.ones(3)), new("a", torch.ones(1, torch.ScalarType.Int8))], metadata);

        using (var file = SafetensorsFile.Open(path))
        {
            Assert.Equal(metadata, file.Metadata);
            Assert.Equal(["z", "a"], file.Tensors.Keys);
            var a = file.Tensors["a"];
            Assert.Equal((torch.ScalarType.Int8, 12L, 13L), (a.DType, a.Begin, a.End));
        }

        var bytes = File.ReadAllBytes(path);
        long headerLength = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, headerLength % 8);
        Assert.Equal(8 + headerLength + 13, bytes.Length);
        using var header = JsonDocument.Parse(bytes.AsMemory(8, (int)headerLength));
        Assert.Equal(["__metadata__", "z", "a"], header.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Empty(Directory.GetFiles(_folder, "*.tmp"));
    }

    [Fact]
    public void Save_OverwritesExistingFile()
    {
        using var scope = torch.NewDisposeScope();
        string path = FilePath("over.safetensors");
        SafetensorsWriter.Save(path, [new("x", torch.zeros(100))]);
        SafetensorsWriter.Save(path, [new("y", torch.ones(2))]);
        using var file = SafetensorsFile.Open(path);
        Assert.Equal(["y"], file.Tensors.Keys);
    }

    [Fact]
    public void Save_RefusesDuplicateNames_ReservedName_AndUnsupportedDType()
    {
        using var scope = torch.NewDisposeScope();
        string path = FilePath("bad.safetensors");
        var duplicate = Assert.Throws<ArgumentException>(() => SafetensorsWriter.Save(path, [new("w", torch.ones(1)), new("w", torch.ones(1))]));
        Assert.Contains("Duplicate tensor name 'w'", duplicate.Message);
        var reserved = Assert.Throws<ArgumentException>(() => SafetensorsWriter.Save(path, [new("__metadata__", torch.ones(1))]));
        Assert.Contains("reserved", reserved.Message);
        var complex = Assert.Throws<ArgumentException>(() => SafetensorsWriter.Save(path, [new("c", torch.ones(2, torch.ScalarType.ComplexFloat32))]));
        Assert.Contains("ComplexFloat32", complex.Message);
        Assert.Empty(Directory.GetFiles(_folder));
    }

    [Fact]
    public void Read_HandBuiltFile_DecodesEveryTensor()
    {
        using var scope = torch.NewDisposeScope();
        var data = new List<byte>();
        foreach (float value in new[] { 1f, 2f, -3.5f, 4f })
        {
            data.AddRange(BitConverter.GetBytes(value));
        }
        data.AddRange(BitConverter.GetBytes(-9L));
        data.AddRange(BitConverter.GetBytes(long.MaxValue));
        data.AddRange(new byte[] { 0x80, 0x3F, 0x00, 0xC0 }); // bf16 1.0, -2.0
        data.AddRange(new byte[] { 1, 0, 1 });
        string json = """
            {"__metadata__":{"format":"pt"},
             "w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},
             "ids":{"dtype":"I64","shape":[2],"data_offsets":[16,32]},
             "half":{"dtype":"BF16","shape":[2],"data_offsets":[32,36]},
             "mask":{"dtype":"BOOL","shape":[3],"data_offsets":[36,39]}}
            """;
        string path = WriteRaw("hand.safetensors", json, data.ToArray());

        using var file = SafetensorsFile.Open(path);
        Assert.Equal("pt", file.Metadata["format"]);
        var ids = file.Tensors["ids"];
        Assert.Equal(("ids", torch.ScalarType.Int64, 16L, 32L, 16L), (ids.Name, ids.DType, ids.Begin, ids.End, ids.ByteLength));
        Assert.Equal(new long[] { 2 }, ids.Shape);
        var w = file.Read("w");
        Assert.Equal(new long[] { 2, 2 }, w.shape);
        Assert.Equal(new[] { 1f, 2f, -3.5f, 4f }, w.data<float>().ToArray());
        Assert.Equal(new[] { -9L, long.MaxValue }, file.Read("ids").data<long>().ToArray());
        Assert.Equal(new[] { 1f, -2f }, file.Read("half").to(torch.ScalarType.Float32).data<float>().ToArray());
        Assert.Equal(new[] { true, false, true }, file.Read("mask").data<bool>().ToArray());
        var missing = Assert.Throws<KeyNotFoundException>(() => file.Read("nope"));
        Assert.Contains("'nope'", missing.Message);
    }

    public static TheoryData<string, string, int, string> CorruptHeaders => new()
    {
        { "bad JSON", """{"w":{"dtype":"F32",""", 4, "not valid JSON" },
        { "not an object", """[1,2]""", 0, "must be a JSON object" },
        { "wrong byte size", """{"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,20]}}""", 20, "tensor 'w': dtype F32 and shape [2, 3] need 24 bytes, but data_offsets [0, 20] span 20" },
        { "out of range", """{"w":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}""", 8, "tensor 'w': data_offsets [8, 16] reach past the end of the 8-byte data section" },
        { "overlap", """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", 12, "tensor 'b' overlaps tensor 'a': expected it to begin at byte 8" },
        { "hole", """{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"b":{"dtype":"U8","shape":[2],"data_offsets":[4,6]}}""", 6, "tensor 'b' leaves a hole after tensor 'a'" },
        { "trailing bytes", """{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}}""", 5, "cover 2 bytes of the data section but it holds 5 bytes" },
        { "unknown dtype", """{"w":{"dtype":"F8_E4M3","shape":[2],"data_offsets":[0,2]}}""", 2, "tensor 'w': unknown dtype 'F8_E4M3'" },
        { "missing field", """{"w":{"dtype":"F32","shape":[1]}}""", 4, "tensor 'w': missing \"data_offsets\"" },
        { "negative dim", """{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}}""", 0, "tensor 'w': \"shape\" must hold non-negative integers, got -1" },
        { "duplicate name", """{"w":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"w":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}""", 2, "duplicate tensor name 'w'" },
        { "metadata not string", """{"__metadata__":{"step":12}}""", 0, "metadata value for 'step' must be a string, got Number" },
        { "overflowing shape", """{"w":{"dtype":"F64","shape":[4294967296,4294967296],"data_offsets":[0,8]}}""", 8, "overflows 64 bits" },
    };

    [Theory]
    [MemberData(nameof(CorruptHeaders))]
    public void Open_CorruptHeader_IsRefusedWithMessageNamingFileAndProblem(string caseName, string json, int dataLength, string expected)
    {
        string path = WriteRaw($"{caseName.Replace(' ', '_')}.safetensors", json, new byte[dataLength]);
        var error = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Open(path));
        Assert.Contains(path, error.Message);
        Assert.Contains(expected, error.Message);
        Assert.Equal(path, error.FilePath);
    }

    [Fact]
    public void Open_HeaderWithInvalidUtf8_IsRefused()
    {
        byte[] header = [.. "{\""u8, 0xFF, .. "\":{}}"u8];
        string path = WriteRaw("utf8.safetensors", header, []);
        var error = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Open(path));
        Assert.Contains("header is not valid UTF-8", error.Message);
    }

    [Fact]
    public void Open_TruncatedFile_IsRefused()
    {
        string path = FilePath("short.safetensors");
        File.WriteAllBytes(path, [1, 2, 3]);
        var error = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Open(path));
        Assert.Contains("file is 3 bytes, shorter than the 8-byte header length prefix", error.Message);
    }

    [Fact]
    public void Open_HeaderLengthPastEndOfFile_IsRefused()
    {
        string path = WriteRaw("past.safetensors", "{}", [], headerLengthOverride: 1000);
        var error = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Open(path));
        Assert.Contains("header length 1000 reaches past the end of the file (8 bytes follow the prefix)", error.Message);
    }

    [Fact]
    public void Open_AbsurdHeaderLength_IsRefused()
    {
        string path = FilePath("huge.safetensors");
        using (var stream = File.Create(path))
        {
            stream.SetLength(8 + 200_000_000L); // sparse: a long file whose prefix claims a 200 MB header
            stream.Write(BitConverter.GetBytes(200_000_000UL));
        }
        var error = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Open(path));
        Assert.Contains("header length 200000000 exceeds the 100000000-byte limit", error.Message);
    }

    [Fact]
    public void Read_LargeTensor_CopiesWithoutManagedBuffers()
    {
        using var scope = torch.NewDisposeScope();
        var large = torch.arange(16L << 20, dtype: torch.ScalarType.Float32); // 64 MiB
        string path = FilePath("large.safetensors");
        SafetensorsWriter.Save(path, [new("large", large)]);

        using var file = SafetensorsFile.Open(path);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var read = file.Read("large");
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 1 << 20, $"Read allocated {allocated} managed bytes for a 64 MiB tensor");
        Assert.True(large.Equals(read));
    }

    [Fact]
    public void Read_AfterDispose_Throws()
    {
        using var scope = torch.NewDisposeScope();
        string path = FilePath("disposed.safetensors");
        SafetensorsWriter.Save(path, [new("x", torch.ones(1))]);
        var file = SafetensorsFile.Open(path);
        file.Dispose();
        Assert.Throws<ObjectDisposedException>(() => file.Read("x"));
    }
}
