namespace PanGym.IO;

/// <summary>
/// A safetensors file that does not follow the format (truncated, malformed header, inconsistent offsets, ...).
/// The message names the file and the problem, including the tensor and the expected versus actual values.
/// It is the safetensors kind of <see cref="InvalidInputException"/> (an <see cref="IOException"/>), so code that loads
/// files and handles I/O failures handles a corrupt checkpoint the same way.
/// </summary>
public sealed class SafetensorsFormatException : InvalidInputException
{
    /// <summary>Creates the exception for <paramref name="filePath"/> with a description of the <paramref name="problem"/>.</summary>
    public SafetensorsFormatException(string filePath, string problem)
        : base(filePath, $"Invalid safetensors file '{filePath}': {problem}")
    {
    }
}
