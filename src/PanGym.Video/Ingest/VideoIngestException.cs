namespace PanGym.Data.Video;

/// <summary>
/// A video that cannot be ingested as asked: a missing or unreadable path, a file ffprobe or ffmpeg cannot read (corrupt,
/// truncated, no video stream), a missing action log. The message names the file and the problem. It is an
/// <see cref="IOException"/>, so code that handles I/O failures handles it too.
/// </summary>
public sealed class VideoIngestException : IOException
{
    /// <summary>Creates the exception for <paramref name="filePath"/> with a message that names the problem.</summary>
    public VideoIngestException(string filePath, string message, Exception? innerException = null) : base(message, innerException)
    {
        FilePath = filePath;
    }

    /// <summary>The file or folder at fault.</summary>
    public string FilePath { get; }
}
