using System.Buffers;
using System.Collections.ObjectModel;
using System.Text.Json;
using System.Text.Unicode;

namespace PanGym.IO;

/// <summary>
/// The JSON header of a safetensors file: <c>{name: {"dtype", "shape", "data_offsets"}, "__metadata__": {str: str}}</c>.
/// Parsing checks everything the data section will be trusted for, following the rules of the reference
/// implementation (https://github.com/huggingface/safetensors): the tensors cover the data section exactly,
/// in order of offsets, with no overlap and no hole.
/// </summary>
internal sealed record SafetensorsHeader(
    IReadOnlyDictionary<string, SafetensorsTensorInfo> Tensors,
    IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>The key that holds the free-form string metadata rather than a tensor.</summary>
    public const string MetadataKey = "__metadata__";

    /// <summary>Largest header accepted, as in the reference implementation (100 MB).</summary>
    public const long MaxLength = 100_000_000;

    /// <summary>
    /// Parses and validates <paramref name="json"/> for a file whose data section is <paramref name="dataLength"/> bytes.
    /// Throws <see cref="SafetensorsFormatException"/> naming <paramref name="path"/> on any inconsistency.
    /// </summary>
    public static SafetensorsHeader Parse(string path, ReadOnlyMemory<byte> json, long dataLength)
    {
        using var document = ParseJson(path, json);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new SafetensorsFormatException(path, $"header must be a JSON object, got {document.RootElement.ValueKind}");
        }
        var tensors = new OrderedDictionary<string, SafetensorsTensorInfo>();
        var metadata = new Dictionary<string, string>();
        bool sawMetadata = false;
        foreach (var property in document.RootElement.EnumerateObject())
        {
            if (property.Name == MetadataKey)
            {
                if (sawMetadata)
                {
                    throw new SafetensorsFormatException(path, $"duplicate key '{MetadataKey}'");
                }
                sawMetadata = true;
                ReadMetadata(path, property.Value, metadata);
            }
            else if (!tensors.TryAdd(property.Name, ReadTensorInfo(path, property.Name, property.Value, dataLength)))
            {
                throw new SafetensorsFormatException(path, $"duplicate tensor name '{property.Name}'");
            }
        }
        CheckCoverage(path, tensors.Values, dataLength);
        return new SafetensorsHeader(new ReadOnlyDictionary<string, SafetensorsTensorInfo>(tensors), metadata.AsReadOnly());
    }

    /// <summary>
    /// Serializes a header for tensors laid out back to back in the given order, padded with spaces to a multiple
    /// of 8 bytes so that the data section (and every tensor whose offset is a multiple of its element size) is aligned.
    /// </summary>
    public static byte[] Serialize(IEnumerable<SafetensorsTensorInfo> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                writer.WriteStartObject(MetadataKey);
                foreach (var (key, value) in metadata)
                {
                    writer.WriteString(key, value);
                }
                writer.WriteEndObject();
            }
            foreach (var tensor in tensors)
            {
                writer.WriteStartObject(tensor.Name);
                writer.WriteString("dtype", SafetensorsDType.NameOf(tensor.DType));
                writer.WriteStartArray("shape");
                foreach (long dim in tensor.Shape)
                {
                    writer.WriteNumberValue(dim);
                }
                writer.WriteEndArray();
                writer.WriteStartArray("data_offsets");
                writer.WriteNumberValue(tensor.Begin);
                writer.WriteNumberValue(tensor.End);
                writer.WriteEndArray();
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
        }
        int paddedLength = (buffer.WrittenCount + 7) / 8 * 8;
        var header = new byte[paddedLength];
        buffer.WrittenSpan.CopyTo(header);
        header.AsSpan(buffer.WrittenCount).Fill((byte)' ');
        return header;
    }

    private static JsonDocument ParseJson(string path, ReadOnlyMemory<byte> json)
    {
        if (!Utf8.IsValid(json.Span))
        {
            throw new SafetensorsFormatException(path, "header is not valid UTF-8");
        }
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new SafetensorsFormatException(path, $"header is not valid JSON ({e.Message})");
        }
    }

    private static void ReadMetadata(string path, JsonElement element, Dictionary<string, string> metadata)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new SafetensorsFormatException(path, $"'{MetadataKey}' must be an object of strings, got {element.ValueKind}");
        }
        foreach (var entry in element.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
            {
                throw new SafetensorsFormatException(path, $"metadata value for '{entry.Name}' must be a string, got {entry.Value.ValueKind}");
            }
            if (!metadata.TryAdd(entry.Name, entry.Value.GetString()!))
            {
                throw new SafetensorsFormatException(path, $"duplicate metadata key '{entry.Name}'");
            }
        }
    }

    private static SafetensorsTensorInfo ReadTensorInfo(string path, string name, JsonElement entry, long dataLength)
    {
        if (entry.ValueKind != JsonValueKind.Object)
        {
            throw new SafetensorsFormatException(path, $"tensor '{name}': entry must be an object, got {entry.ValueKind}");
        }
        JsonElement Field(string field) => entry.TryGetProperty(field, out var value)
            ? value
            : throw new SafetensorsFormatException(path, $"tensor '{name}': missing \"{field}\"");

        var dtypeElement = Field("dtype");
        string dtypeName = dtypeElement.ValueKind == JsonValueKind.String
            ? dtypeElement.GetString()!
            : throw new SafetensorsFormatException(path, $"tensor '{name}': \"dtype\" must be a string, got {dtypeElement.ValueKind}");
        if (!SafetensorsDType.TryParse(dtypeName, out var dtype))
        {
            throw new SafetensorsFormatException(path, $"tensor '{name}': unknown dtype '{dtypeName}' (supported: {SafetensorsDType.SupportedNames})");
        }
        long[] shape = ReadNonNegativeIntegers(path, name, "shape", Field("shape"));
        long[] offsets = ReadNonNegativeIntegers(path, name, "data_offsets", Field("data_offsets"));
        if (offsets.Length != 2 || offsets[0] > offsets[1])
        {
            throw new SafetensorsFormatException(path, $"tensor '{name}': \"data_offsets\" must be [begin, end] with begin <= end, got [{string.Join(", ", offsets)}]");
        }
        long expectedBytes;
        try
        {
            expectedBytes = checked(shape.Aggregate(1L, (product, dim) => product * dim) * SafetensorsDType.SizeOf(dtype));
        }
        catch (OverflowException)
        {
            throw new SafetensorsFormatException(path, $"tensor '{name}': byte size of shape {TensorShape.Format(shape)} overflows 64 bits");
        }
        if (expectedBytes != offsets[1] - offsets[0])
        {
            throw new SafetensorsFormatException(path,
                $"tensor '{name}': dtype {dtypeName} and shape {TensorShape.Format(shape)} need {expectedBytes} bytes, " +
                $"but data_offsets [{offsets[0]}, {offsets[1]}] span {offsets[1] - offsets[0]}");
        }
        if (offsets[1] > dataLength)
        {
            throw new SafetensorsFormatException(path,
                $"tensor '{name}': data_offsets [{offsets[0]}, {offsets[1]}] reach past the end of the {dataLength}-byte data section");
        }
        return new SafetensorsTensorInfo(name, dtype, shape, offsets[0], offsets[1]);
    }

    private static long[] ReadNonNegativeIntegers(string path, string name, string field, JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            throw new SafetensorsFormatException(path, $"tensor '{name}': \"{field}\" must be an array, got {element.ValueKind}");
        }
        return element.EnumerateArray()
            .Select(item => item.ValueKind == JsonValueKind.Number && item.TryGetInt64(out long value) && value >= 0
                ? value
                : throw new SafetensorsFormatException(path, $"tensor '{name}': \"{field}\" must hold non-negative integers, got {item.GetRawText()}"))
            .ToArray();
    }

    private static void CheckCoverage(string path, IEnumerable<SafetensorsTensorInfo> tensors, long dataLength)
    {
        long covered = 0;
        string? previous = null;
        foreach (var tensor in tensors.OrderBy(t => t.Begin).ThenBy(t => t.End))
        {
            if (tensor.Begin != covered)
            {
                string after = previous is null ? "the start of the data section" : $"tensor '{previous}'";
                string problem = tensor.Begin < covered ? "overlaps" : "leaves a hole after";
                throw new SafetensorsFormatException(path,
                    $"tensor '{tensor.Name}' {problem} {after}: expected it to begin at byte {covered}, got data_offsets [{tensor.Begin}, {tensor.End}]");
            }
            covered = tensor.End;
            previous = tensor.Name;
        }
        if (covered != dataLength)
        {
            throw new SafetensorsFormatException(path,
                $"the tensors cover {covered} bytes of the data section but it holds {dataLength} bytes ({dataLength - covered} trailing bytes unaccounted for)");
        }
    }
}
