using System.Globalization;
using System.Text;
using static TorchSharp.torch;

namespace PanGym.Cli.Commands;

/// <summary>The JSON pieces <c>pangym lm</c> prints: float32 matrices written row by row with round-trip exact numbers.</summary>
internal static class LmJson
{
    /// <summary>Writes <c>"name": [[…], …]</c> for a matrix [rows, columns] (any float dtype; written as float32).</summary>
    public static void WriteMatrix(TextWriter output, string name, Tensor matrix)
    {
        using var scope = NewDisposeScope();
        var contiguous = matrix.to(ScalarType.Float32).contiguous();
        WriteMatrix(output, name, contiguous.data<float>().ToArray(), (int)contiguous.shape[1]);
    }

    /// <summary>Writes <c>"name": [[…], …]</c> for row-major values with <paramref name="columns"/> per row.</summary>
    public static void WriteMatrix(TextWriter output, string name, float[] values, int columns)
    {
        output.Write($"\"{name}\": [");
        var row = new StringBuilder();
        for (var start = 0; start < values.Length; start += columns)
        {
            row.Clear().Append(start == 0 ? "[" : ", [");
            for (var index = 0; index < columns; index++)
            {
                if (index > 0) row.Append(", ");
                row.Append(FormatFloat(values[start + index]));
            }
            output.Write(row.Append(']'));
        }
        output.Write(']');
    }

    /// <summary><c>[a, b, c]</c>.</summary>
    public static string List<T>(IEnumerable<T> values) => $"[{string.Join(", ", values)}]";

    /// <summary>Round-trip exact float32 text; non-finite values as Python's json module writes them.</summary>
    public static string FormatFloat(float value) => value switch
    {
        float.NaN => "NaN",
        float.PositiveInfinity => "Infinity",
        float.NegativeInfinity => "-Infinity",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };
}
