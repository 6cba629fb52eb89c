using TorchSharp;

namespace PanGym.IO;

/// <summary>
/// The safetensors dtype names this reader understands and their TorchSharp element types
/// (names as in the reference implementation, https://github.com/huggingface/safetensors).
/// </summary>
internal static class SafetensorsDType
{
    private static readonly (string Name, torch.ScalarType Type, int Size)[] _known =
    [
        ("F64", torch.ScalarType.Float64, 8),
        ("F32", torch.ScalarType.Float32, 4),
        ("F16", torch.ScalarType.Float16, 2),
        ("BF16", torch.ScalarType.BFloat16, 2),
        ("I64", torch.ScalarType.Int64, 8),
        ("I32", torch.ScalarType.Int32, 4),
        ("I16", torch.ScalarType.Int16, 2),
        ("I8", torch.ScalarType.Int8, 1),
        ("U8", torch.ScalarType.Byte, 1),
        ("BOOL", torch.ScalarType.Bool, 1),
    ];

    /// <summary>Comma-separated list of the supported names, for error messages.</summary>
    public static string SupportedNames => string.Join(", ", _known.Select(k => k.Name));

    /// <summary>Finds the element type for a header dtype name (case-sensitive, as the format specifies).</summary>
    public static bool TryParse(string name, out torch.ScalarType type)
    {
        foreach (var known in _known)
        {
            if (known.Name == name)
            {
                type = known.Type;
                return true;
            }
        }
        type = default;
        return false;
    }

    /// <summary>The header name for an element type, or null if safetensors (here) cannot store it.</summary>
    public static string? NameOf(torch.ScalarType type) =>
        _known.Where(k => k.Type == type).Select(k => k.Name).FirstOrDefault();

    /// <summary>Bytes per element of a supported element type.</summary>
    public static int SizeOf(torch.ScalarType type) => _known.First(k => k.Type == type).Size;
}
