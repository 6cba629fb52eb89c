using System.Diagnostics;
using PanGym.Envs;
using PanGym.Gym;
using PanGym.Media;

namespace PanGym.Tests.Media;

[Collection(FFmpegCollection.Name)]
public sealed class PngReaderTests : IDisposable
{
    readonly string _folder = Directory.CreateTempSubdirectory("pangym-png-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    static Image Frame()
    {
        using var env = new ShapesWorld(ShapesWorldConfig.Small);
        return env.Reset(3).Observation;
    }

    static Image Grey(Image image)
    {
        var grey = new Image(image.Height, image.Width);
        for (int y = 0; y < image.Height; y++)
            for (int x = 0; x < image.Width; x++)
                grey[x, y] = (image[x, y].R, image[x, y].R, image[x, y].R);
        return grey;
    }

    [Theory]
    [InlineData(2)]
    [InlineData(6)]
    [InlineData(3)]
    [InlineData(0)]
    [InlineData(4)]
    public void Every_filter_and_colour_type_round_trips(int colourType)
    {
        var frame = Frame();
        var expected = colourType is 0 or 4 ? Grey(frame) : frame;
        for (int filter = 0; filter <= 4; filter++)
        {
            int f = filter;
            Assert.Equal(expected, PngReader.Decode(TestPng.Encode(frame, colourType, _ => f)));
        }
        Assert.Equal(expected, PngReader.Decode(TestPng.Encode(frame, colourType, y => y % 5, idatChunks: 3)));
    }

    [Fact]
    public void A_png_that_ffmpeg_wrote_reads_back_exactly()
    {
        var data = new byte[24 * 20 * 3];
        new Random(5).NextBytes(data);
        var image = new Image(20, 24, data);
        string raw = Path.Combine(_folder, "frame.rgb"), png = Path.Combine(_folder, "frame.png");
        File.WriteAllBytes(raw, image.Data);
        using (var ffmpeg = Process.Start(new ProcessStartInfo(FFmpegTools.Locate("ffmpeg") ?? "ffmpeg",
                   ["-v", "error", "-f", "rawvideo", "-pixel_format", "rgb24", "-video_size", "24x20", "-i", raw, "-frames:v", "1", png]) { RedirectStandardError = true })!)
        {
            ffmpeg.WaitForExit();
            Assert.True(ffmpeg.ExitCode == 0, ffmpeg.StandardError.ReadToEnd());
        }
        Assert.Equal(image, PngReader.Read(png));
    }

    [Fact]
    public void Broken_or_unsupported_files_are_clear_errors()
    {
        var frame = Frame();
        var good = TestPng.Encode(frame);

        Assert.Contains("not a PNG", Assert.Throws<InvalidInputException>(() => PngReader.Decode("GIF89a..."u8)).Message);
        var corrupt = (byte[])good.Clone();
        corrupt[45] ^= 0xFF;
        Assert.Contains("CRC", Assert.Throws<InvalidInputException>(() => PngReader.Decode(corrupt)).Message);
        Assert.Contains("truncated", Assert.Throws<InvalidInputException>(() => PngReader.Decode(good.AsSpan(0, good.Length - 20))).Message);
        Assert.Contains("16 bits", Assert.Throws<InvalidInputException>(() => PngReader.Decode(TestPng.Encode(frame, bitDepth: 16))).Message);
        Assert.Contains("interlaced", Assert.Throws<InvalidInputException>(() => PngReader.Decode(TestPng.Encode(frame, interlace: 1))).Message);
        Assert.Throws<FileNotFoundException>(() => PngReader.Read(Path.Combine(_folder, "missing.png")));
    }
}
