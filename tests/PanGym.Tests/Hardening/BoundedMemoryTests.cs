using PanGym.Gym;
using PanGym.Media;
using PanGym.Tests.Cli;
using PanGym.WorldModel;

namespace PanGym.Tests.Hardening;

/// <summary>Work whose memory grew with its input is bounded: evaluation horizons are capped, and gif frames stream through ffmpeg.</summary>
[Collection(FFmpegCollection.Name)]
public sealed class BoundedMemoryTests : IDisposable
{
    readonly string _folder = Directory.CreateTempSubdirectory("pangym-hardening-memory-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void An_evaluation_horizon_beyond_the_cap_is_refused_before_any_work()
    {
        string checkpoint = Path.Combine(_folder, "model");
        using (var model = PanGym.WorldModel.PanWorldModel.Create(WorldModelConfig.Tiny, seed: 3)) WorldModelCheckpoint.Save(model, checkpoint);
        string report = Path.Combine(_folder, "report");
        var result = CliProcess.Run("eval", "--checkpoint", checkpoint, "--env", "ShapesWorld-v0", "--horizon", "100000", "--episodes", "2", "--out", report);
        CliProcess.AssertRefused(result, "1024");
        Assert.False(Directory.Exists(report));
    }

    [Fact]
    public void A_long_gif_streams_through_ffmpeg_instead_of_holding_every_frame()
    {
        var frames = Enumerable.Range(0, 1500).Select(i =>
        {
            var frame = new Image(64, 64);
            frame.Fill(((byte)(i % 251), (byte)(i * 7 % 253), (byte)(i * 13 % 255)));
            return frame;
        }).ToList();
        string path = Path.Combine(_folder, "long.gif");
        long peakKilobytes = 0;
        var writing = Task.Run(() => VideoWriter.Write(path, frames, fps: 10, scale: 4));
        while (!writing.IsCompleted)
        {
            foreach (int child in FfmpegChildren()) peakKilobytes = Math.Max(peakKilobytes, HighWaterKilobytes(child));
            Thread.Sleep(20);
        }
        writing.GetAwaiter().GetResult();
        Assert.Equal("GIF89a"u8.ToArray(), File.ReadAllBytes(path)[..6]);
        Assert.True(peakKilobytes > 0, "ffmpeg was not seen");
        Assert.True(peakKilobytes < 250_000, $"ffmpeg peaked at {peakKilobytes / 1024} MiB for 1,500 frames of 256×256");
    }

    static IEnumerable<int> FfmpegChildren()
    {
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(dir, "stat"));
            }
            catch (IOException)
            {
                continue;
            }
            int close = stat.LastIndexOf(')');
            if (close < 0 || !stat[..close].EndsWith("(ffmpeg", StringComparison.Ordinal)) continue;
            var fields = stat[(close + 2)..].Split(' ');
            if (int.TryParse(fields[1], out int parent) && parent == Environment.ProcessId) yield return pid;
        }
    }

    static long HighWaterKilobytes(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
