namespace PanGym.Media;

/// <summary>Thrown when the ffmpeg or ffprobe program that video files need is not installed.</summary>
public sealed class FFmpegNotFoundException(string message) : InvalidOperationException(message);
