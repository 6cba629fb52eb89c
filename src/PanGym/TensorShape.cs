namespace PanGym;

/// <summary>The one way PanGym writes a tensor's shape (<c>tensor.shape</c>) in a message: <c>[B, 3, 32, 32]</c>.</summary>
public static class TensorShape
{
    /// <summary>The dimensions in brackets, comma-separated.</summary>
    public static string Format(IEnumerable<long> shape) => $"[{string.Join(", ", shape)}]";
}
