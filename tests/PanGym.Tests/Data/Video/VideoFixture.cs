using PanGym.Data.Video;

namespace PanGym.Tests.Data.Video;

/// <summary>
/// One generated video of seven shots joined by hard cuts (a testsrc2 scroll, still bars, a dark scroll, a tilt, a pan,
/// a zoom and a moving object), and its ingest with the motion captioner into a 32×32 data set, made once for the video
/// tests.
/// </summary>
public sealed class VideoFixture : IDisposable
{
    /// <summary>
    /// The shots in order, with the words a step of a kept clip of that shot should contain and the words it must not
    /// (the opposite direction); null: no clip kept.
    /// </summary>
    public static readonly (string Name, int Frames, string? Expected, string? Opposite)[] Shots =
    [
        ("testsrc2-pan-right", 24, "pans right", "pans left"),
        ("still", 16, null, null),
        ("dark", 16, null, null),
        ("tilt-down", 24, "tilts down", "tilts up"),
        ("pan-left", 24, "pans left", "pans right"),
        ("zoom-in", 16, "zooms in", "zooms out"),
        ("object-up-right", 16, "moves up and right", "moves down"),
    ];

    /// <summary>The ingest's settings: clips of 4 steps, a quarter of them for validation.</summary>
    public static readonly VideoIngestConfig Config = new(clipSteps: 4, validationFraction: 0.25);

    public VideoFixture()
    {
        Root = Directory.CreateTempSubdirectory("pangym-video-ingest-").FullName;
        Texture = TestVideos.Texture(Root);
        VideoPath = Path.Combine(Root, "shots.mp4");
        Cuts = TestVideos.Write(VideoPath,
            TestVideos.TestsrcPanRight(24), TestVideos.StillBars(16), TestVideos.Dark(16), TestVideos.TiltDown(Texture, 24),
            TestVideos.PanLeft(Texture, 24), TestVideos.ZoomIn(Texture, 16), TestVideos.ObjectUpRight(Texture, 16));
        Result = new VideoIngestor(Config, new MotionCaptioner()).IngestAsync([VideoPath], Path.Combine(Root, "data")).GetAwaiter().GetResult();
    }

    public string Root { get; }

    /// <summary>A 640×480 still of smooth random blobs.</summary>
    public string Texture { get; }

    public string VideoPath { get; }

    /// <summary>The frames where shots 2 … 7 begin.</summary>
    public int[] Cuts { get; }

    public VideoIngestResult Result { get; }

    /// <summary>The shot index of frame <paramref name="frame"/>.</summary>
    public int ShotOf(int frame) => Cuts.Count(c => c <= frame);

    /// <summary>A new folder under the fixture's root.</summary>
    public string NewFolder() => Path.Combine(Root, Guid.NewGuid().ToString("N")[..8]);

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
