using TorchSharp;

namespace PanGym.Backbone;

/// <summary>
/// The dtype names Hugging Face writes in <c>config.json</c> (<c>"float32"</c>, <c>"bfloat16"</c>, <c>"float16"</c>) and
/// the TorchSharp scalar types they stand for.
/// </summary>
public static class TorchDtypeNames
{
    /// <summary>Whether the backbone can hold its weights in this dtype (float32, bfloat16, float16).</summary>
    public static bool IsFloatingPoint(torch.ScalarType dtype) =>
        dtype is torch.ScalarType.Float32 or torch.ScalarType.BFloat16 or torch.ScalarType.Float16;

    /// <summary>The Hugging Face name of a supported dtype.</summary>
    /// <exception cref="ArgumentException">The dtype is not float32, bfloat16 or float16.</exception>
    public static string ToName(torch.ScalarType dtype) => dtype switch
    {
        torch.ScalarType.Float32 => "float32",
        torch.ScalarType.BFloat16 => "bfloat16",
        torch.ScalarType.Float16 => "float16",
        _ => throw new ArgumentException($"Unsupported weight dtype {dtype}: expected float32, bfloat16 or float16."),
    };

    /// <summary>Parses a Hugging Face or PyTorch dtype name (also accepts "float", "half", "bf16", "fp16", "fp32").</summary>
    /// <exception cref="FormatException">The name is not a supported floating-point dtype.</exception>
    public static torch.ScalarType Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "float32" or "float" or "fp32" or "torch.float32" => torch.ScalarType.Float32,
        "bfloat16" or "bf16" or "torch.bfloat16" => torch.ScalarType.BFloat16,
        "float16" or "half" or "fp16" or "torch.float16" => torch.ScalarType.Float16,
        _ => throw new FormatException($"Unsupported dtype \"{name}\": expected float32, bfloat16 or float16."),
    };
}
