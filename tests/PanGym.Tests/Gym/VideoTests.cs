using System.Diagnostics;
using System.Globalization;
using PanGym.Gym;
using PanGym.Gym.Wrappers;
using PanGym.Media;

namespace PanGym.Tests.Gym;

[Collection(FFmpegCollection.Name)]
public sealed class VideoTests : IDisposable
{
    readonly string _folder = Directory.CreateTempSubdirectory("pangym-video-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Frame count and size as ffprobe reads them (decoding every frame).</summary>
    internal static (int Frames, int Width, int Height) Probe(string path)
    {
        var psi = new ProcessStartInfo("ffprobe", $"-v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames,width,height -of csv=p=0 \"{path}\"")
        { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(psi)!;
        var output = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, process.StandardError.ReadToEnd());
        var parts = output.Split(',').Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        return (parts[2], parts[0], parts[1]);
    }

    static List<Image> Frames(int count, int h, int w) => Enumerable.Range(0, count).Select(i =>
    {
        var frame = new Image(h, w);
        frame.Fill(((byte)(i * 20), 100, (byte)(255 - i * 20)));
        frame[i % w, i % h] = (255, 255, 255);
        return frame;
    }).ToList();

    [Theory]
    [InlineData("clip.mp4", 1)]
    [InlineData("clip.gif", 1)]
    [InlineData("clip.mp4", 4)]
    [InlineData("clip.gif", 3)]
    public void Written_videos_have_the_expected_frame_count_and_size(string name, int scale)
    {
        var path = Path.Combine(_folder, name);
        VideoWriter.Write(path, Frames(7, 16, 24), fps: 4, scale: scale);
        Assert.Equal((7, 24 * scale, 16 * scale), Probe(path));
        Assert.Single(Directory.GetFiles(_folder));
    }

    [Fact]
    public void Bad_requests_are_refused_before_ffmpeg_runs()
    {
        Assert.Contains("unsupported extension", Assert.Throws<ArgumentException>(() => VideoWriter.Write(Path.Combine(_folder, "x.avi"), Frames(2, 4, 4))).Message);
        Assert.Contains("no frames", Assert.Throws<ArgumentException>(() => VideoWriter.Write(Path.Combine(_folder, "x.mp4"), [])).Message);
        var mixed = Frames(1, 4, 4).Concat(Frames(1, 4, 6)).ToList();
        Assert.Contains("video frame", Assert.Throws<ArgumentException>(() => VideoWriter.Write(Path.Combine(_folder, "x.mp4"), mixed)).Message);
    }

    [Fact]
    public void Record_video_writes_one_file_per_triggered_episode()
    {
        var env = new RecordVideo<float[], int>(new LineWorld(), _folder, episodeTrigger: id => id != 1, format: "gif");
        for (int episode = 0; episode < 3; episode++)
        {
            env.Reset(episode, new Dictionary<string, object?> { ["start"] = LineWorld.Length - 4 });
            for (int i = 0; i < 3; i++) env.Step(1);
        }
        env.Close();
        Assert.Equal(2, env.WrittenFiles.Count);
        Assert.EndsWith("rl-video-episode-0.gif", env.WrittenFiles[0]);
        Assert.EndsWith("rl-video-episode-2.gif", env.WrittenFiles[1]);
        Assert.Equal((4, LineWorld.Length * 2, 4), Probe(env.WrittenFiles[0]));
    }

    [Fact]
    public void Missing_ffmpeg_gives_a_clear_error()
    {
        var options = FFMpegCore.GlobalFFOptions.Current;
        var previous = options.BinaryFolder;
        try
        {
            options.BinaryFolder = _folder;
            var error = Assert.Throws<FFmpegNotFoundException>(() => VideoWriter.Write(Path.Combine(_folder, "x.mp4"), Frames(2, 4, 4)));
            Assert.Contains("ffmpeg was not found", error.Message);
            Assert.Contains("apt-get install ffmpeg", error.Message);
        }
        finally
        {
            options.BinaryFolder = previous;
        }
    }
}
