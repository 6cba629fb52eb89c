using System.Diagnostics;
using System.Globalization;
using PanGym.Media;

namespace PanGym.Tests.Data.Video;

/// <summary>
/// Makes small test videos with ffmpeg's built-in sources: scrolls of testsrc2 and of a blurred random texture (rich in
/// corners, so every direction of motion is visible), zooms, a moving object, still and dark shots, joined by hard cuts.
/// </summary>
internal static class TestVideos
{
    /// <summary>Frames per second of every generated video.</summary>
    public const int Fps = 8;

    /// <summary>A shot: its frame count, its inputs (ffmpeg arguments), and a filter graph from [a0] ([a1], …) to [out].</summary>
    public sealed record Shot(string Name, int Frames, string[][] Inputs, string Graph);

    static string[] Lavfi(string source, int frames) =>
        ["-f", "lavfi", "-i", string.Create(CultureInfo.InvariantCulture, $"{source}:rate={Fps}:duration={frames / (double)Fps}")];

    static string[] Still(string png, int frames) =>
        ["-loop", "1", "-framerate", $"{Fps}", "-t", string.Create(CultureInfo.InvariantCulture, $"{frames / (double)Fps}"), "-i", png];

    /// <summary>testsrc2 scrolled leftwards (the window moves right, so the camera pans right) by <paramref name="speed"/> source pixels a frame.</summary>
    public static Shot TestsrcPanRight(int frames, int speed = 10) =>
        new("testsrc2-pan-right", frames, [Lavfi($"testsrc2=size={320 + frames * speed}x240", frames)], $"[a0]crop=320:240:n*{speed}:0[out]");

    /// <summary>The texture scrolled leftwards: the camera pans right.</summary>
    public static Shot PanRight(string texture, int frames, int speed = 10) =>
        new("pan-right", frames, [Still(texture, frames)], $"[a0]crop=320:240:n*{speed}:100[out]");

    /// <summary>The texture scrolled rightwards: the camera pans left.</summary>
    public static Shot PanLeft(string texture, int frames, int speed = 10) =>
        new("pan-left", frames, [Still(texture, frames)], $"[a0]crop=320:240:{frames * speed}-n*{speed}:60[out]");

    /// <summary>The texture scrolled upwards (the window moves down): the camera tilts down.</summary>
    public static Shot TiltDown(string texture, int frames, int speed = 8) =>
        new("tilt-down", frames, [Still(texture, frames)], $"[a0]crop=320:240:200:n*{speed}[out]");

    /// <summary>The texture magnified a little more each frame around its centre: the scene zooms in.</summary>
    public static Shot ZoomIn(string texture, int frames) =>
        new("zoom-in", frames, [Still(texture, frames)],
            $"[a0]crop=400:300:120:90,zoompan=z='1+0.04*on':x='iw/2-iw/zoom/2':y='ih/2-ih/zoom/2':d=1:s=320x240:fps={Fps}[out]");

    /// <summary>A textured square (a piece of testsrc) moving up and to the right over the still texture.</summary>
    public static Shot ObjectUpRight(string texture, int frames) =>
        new("object-up-right", frames, [Still(texture, frames), Lavfi("testsrc=size=96x96", frames)],
            "[a0]crop=320:240:0:0[bg];[bg][a1]overlay=x='60+n*6':y='130-n*4'[out]");

    /// <summary>SMPTE colour bars, perfectly still.</summary>
    public static Shot StillBars(int frames) => new("still", frames, [Lavfi("smptebars=size=320x240", frames)], "[a0]null[out]");

    /// <summary>A testsrc2 scroll dimmed to 6% brightness: moving, but too dark.</summary>
    public static Shot Dark(int frames) =>
        new("dark", frames, [Lavfi($"testsrc2=size={320 + frames * 10}x240", frames)], "[a0]crop=320:240:n*10:0,lutrgb=r=val*0.06:g=val*0.06:b=val*0.06[out]");

    /// <summary>Writes (once) a 640×480 still of smooth random blobs into <paramref name="folder"/> and returns its path.</summary>
    public static string Texture(string folder)
    {
        string path = Path.Combine(folder, "texture.png");
        if (!File.Exists(path))
            Run(["-v", "error", "-y", "-f", "lavfi", "-i",
                "life=size=40x30:random_fill_ratio=0.45:seed=7:life_color=#e0a040:death_color=#203060,scale=640:480:flags=neighbor,gblur=sigma=6",
                "-frames:v", "1", path]);
        return path;
    }

    /// <summary>
    /// Writes the shots, joined by hard cuts, as an H.264 mp4 of 320×240 at <see cref="Fps"/> frames per second, and
    /// returns the frame indices where shots 2, 3, … begin.
    /// </summary>
    public static int[] Write(string path, params Shot[] shots)
    {
        var args = new List<string> { "-v", "error", "-y" };
        var graphs = new List<string>();
        int input = 0;
        for (int i = 0; i < shots.Length; i++)
        {
            string graph = shots[i].Graph.Replace("[out]", $"[o{i}]", StringComparison.Ordinal);
            for (int k = 0; k < shots[i].Inputs.Length; k++)
            {
                args.AddRange(shots[i].Inputs[k]);
                graph = graph.Replace($"[a{k}]", $"[{input++}:v]", StringComparison.Ordinal).Replace("[bg]", $"[bg{i}]", StringComparison.Ordinal);
            }
            graphs.Add(graph);
            graphs.Add($"[o{i}]trim=end_frame={shots[i].Frames},setpts=PTS-STARTPTS,setsar=1,format=yuv420p[s{i}]");
        }
        graphs.Add(string.Concat(shots.Select((_, i) => $"[s{i}]")) + $"concat=n={shots.Length}:v=1:a=0[v]");
        args.AddRange(["-filter_complex", string.Join(";", graphs), "-map", "[v]", "-c:v", "libx264", "-preset", "ultrafast", "-crf", "16", "-r", $"{Fps}", path]);
        Run(args);
        var starts = new List<int>();
        int frame = 0;
        foreach (var shot in shots.SkipLast(1))
        {
            frame += shot.Frames;
            starts.Add(frame);
        }
        return [.. starts];
    }

    /// <summary>Runs ffmpeg with <paramref name="args"/>; fails the test with ffmpeg's message when it fails.</summary>
    public static void Run(IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(FFmpegTools.Locate("ffmpeg") ?? "ffmpeg") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"ffmpeg {string.Join(" ", start.ArgumentList)} failed: {error.Result}");
    }
}
