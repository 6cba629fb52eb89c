namespace PanGym.Data;

/// <summary>
/// An episode data set that cannot be written or read as asked: a missing or malformed file, an episode whose frames
/// do not match its record, a folder that is in the way. The message names the file (and the episode or line) and the
/// problem. It is the data-set kind of <see cref="InvalidInputException"/> (an <see cref="IOException"/>), so code that
/// handles I/O failures handles a broken data set too.
/// </summary>
public sealed class EpisodeDatasetException : InvalidInputException
{
    /// <summary>Creates the exception for <paramref name="filePath"/> with a message that names the problem.</summary>
    public EpisodeDatasetException(string filePath, string message, Exception? innerException = null) : base(filePath, message, innerException)
    {
    }
}
