using TorchSharp;

namespace PanGym.IO;

/// <summary>
/// One tensor's entry in a safetensors header: its name, element type, shape and the byte range
/// [<paramref name="Begin"/>, <paramref name="End"/>) it occupies within the data section (the bytes after the header).
/// </summary>
/// <param name="Name">The tensor's key in the header, e.g. <c>model.layers.0.self_attn.q_proj.weight</c>.</param>
/// <param name="DType">The stored element type.</param>
/// <param name="Shape">The stored shape; empty for a scalar.</param>
/// <param name="Begin">First byte of the tensor, relative to the start of the data section.</param>
/// <param name="End">One past the last byte of the tensor, relative to the start of the data section.</param>
public sealed record SafetensorsTensorInfo(string Name, torch.ScalarType DType, long[] Shape, long Begin, long End)
{
    /// <summary>Number of bytes the tensor occupies in the file.</summary>
    public long ByteLength => End - Begin;
}
