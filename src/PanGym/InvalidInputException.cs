namespace PanGym;

/// <summary>
/// Input that PanGym refuses to read: a file (or the text of one) that does not follow its format, holds a value out of
/// range, or does not fit what reads it (weights that disagree with their config, an image of the wrong size, a data set
/// that points outside its folder). The message is one line that names the file and the problem; nothing was changed.
/// </summary>
/// <remarks>
/// Every loader of a file a user hands to PanGym (world-model and Qwen2 checkpoints, config.json, tokenizer.json,
/// safetensors, PNG, episode data sets, training checkpoints) refuses bad input with this type or one of its kinds
/// (<see cref="IO.SafetensorsFormatException"/>, <see cref="Data.EpisodeDatasetException"/>), so a caller
/// tells "this input is wrong" from a bug by type. It is an <see cref="IOException"/>, so code that handles I/O
/// failures handles refused input too.
/// </remarks>
public class InvalidInputException : IOException
{
    /// <summary>Creates the exception for <paramref name="filePath"/> (the file, folder or other source at fault).</summary>
    public InvalidInputException(string filePath, string message, Exception? innerException = null) : base(message, innerException)
    {
        FilePath = filePath;
    }

    /// <summary>The file, folder or other source at fault.</summary>
    public string FilePath { get; }
}
