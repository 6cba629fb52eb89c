using PanGym.Data;
using PanGym.Gym;

namespace PanGym.Tests.Data;

/// <summary>Small data sets for the data tests: 32×32 frames whose pixels say which episode and step they show.</summary>
internal static class TestEpisodes
{
    public const int Size = 32;

    public static EpisodeDatasetInfo Info(string source = "test") => new(Size, Size, source);

    /// <summary>Frames 0 … steps of <paramref name="episode"/>; every pixel is (episode, t, 200).</summary>
    public static Image[] CodedFrames(int episode, int steps) =>
    [
        .. Enumerable.Range(0, steps + 1).Select(t =>
        {
            var frame = new Image(Size, Size);
            frame.Fill(((byte)episode, (byte)t, 200));
            return frame;
        }),
    ];

    public static string[] Actions(int episode, int steps) => [.. Enumerable.Range(0, steps).Select(t => $"action {episode}.{t}")];

    /// <summary>A complete data set with one coded episode per entry of <paramref name="steps"/>, in the given splits (default: all train).</summary>
    public static EpisodeDataset Write(string folder, int[] steps, EpisodeSplit[]? splits = null)
    {
        using var writer = new EpisodeDatasetWriter(folder, Info());
        for (int e = 0; e < steps.Length; e++)
            writer.WriteEpisode(CodedFrames(e, steps[e]), Actions(e, steps[e]), splits?[e] ?? EpisodeSplit.Train);
        return writer.Complete();
    }

    /// <summary>The (episode, step) a coded frame shows.</summary>
    public static (int Episode, int Step) Decode(ReadOnlySpan<byte> frame) => (frame[0], frame[1]);
}
