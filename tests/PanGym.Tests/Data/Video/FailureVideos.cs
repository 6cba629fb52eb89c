namespace PanGym.Tests.Data.Video;

/// <summary>Two good short videos, a corrupt one, a truncated one: made once for the failure and resume tests.</summary>
public sealed class FailureVideos : IDisposable
{
    public FailureVideos()
    {
        Root = Directory.CreateTempSubdirectory("pangym-video-failures-").FullName;
        string texture = TestVideos.Texture(Root);
        First = Path.Combine(Root, "first.mp4");
        Second = Path.Combine(Root, "second.mp4");
        TestVideos.Write(First, TestVideos.PanRight(texture, 20));
        TestVideos.Write(Second, TestVideos.TiltDown(texture, 20));
        Corrupt = Path.Combine(Root, "corrupt.mp4");
        File.WriteAllBytes(Corrupt, [.. Enumerable.Range(0, 20_000).Select(i => (byte)(i * 7919 % 251))]);
        Truncated = Path.Combine(Root, "truncated.mp4");
        var bytes = File.ReadAllBytes(Second);
        File.WriteAllBytes(Truncated, bytes[..(bytes.Length / 2)]);
    }

    public string Root { get; }

    public string First { get; }

    public string Second { get; }

    public string Corrupt { get; }

    public string Truncated { get; }

    public string NewFolder() => Path.Combine(Root, Guid.NewGuid().ToString("N")[..8]);

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
