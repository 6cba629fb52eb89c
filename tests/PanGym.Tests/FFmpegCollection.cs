namespace PanGym.Tests;

/// <summary>Tests that run ffmpeg, or change where FFMpegCore looks for it, run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FFmpegCollection
{
    public const string Name = "ffmpeg";
}
