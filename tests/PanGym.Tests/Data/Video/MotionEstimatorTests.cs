using PanGym.Data.Video;
using PanGym.Gym;

namespace PanGym.Tests.Data.Video;

/// <summary>The motion estimator and captioner on synthetic frames with known motion (no video files).</summary>
public sealed class MotionEstimatorTests
{
    const int Size = 64;

    /// <summary>A smooth random texture of side <paramref name="side"/>: a sum of Gaussian blobs, values in [0, 1].</summary>
    static float[] Texture(int side, int seed, int blobs = 120)
    {
        var random = new Random(seed);
        var plane = new float[side * side];
        for (int b = 0; b < blobs; b++)
        {
            double cx = random.NextDouble() * side, cy = random.NextDouble() * side, radius = 2 + random.NextDouble() * 4, sign = random.Next(2) * 2 - 1;
            for (int y = 0; y < side; y++)
                for (int x = 0; x < side; x++)
                    plane[y * side + x] += (float)(sign * 0.35 * Math.Exp(-((x - cx) * (x - cx) + (y - cy) * (y - cy)) / (2 * radius * radius)));
        }
        for (int i = 0; i < plane.Length; i++) plane[i] = Math.Clamp(0.5f + plane[i], 0, 1);
        return plane;
    }

    /// <summary>The <see cref="Size"/>-square window of <paramref name="plane"/> (side <paramref name="side"/>) whose top-left corner is at (<paramref name="x"/>, <paramref name="y"/>), sampled bilinearly and scaled by <paramref name="zoom"/> about its centre.</summary>
    static float[] Window(float[] plane, int side, double x, double y, double zoom = 1)
    {
        var window = new float[Size * Size];
        for (int j = 0; j < Size; j++)
            for (int i = 0; i < Size; i++)
            {
                double sx = x + Size / 2.0 + (i - Size / 2.0 + 0.5) / zoom - 0.5, sy = y + Size / 2.0 + (j - Size / 2.0 + 0.5) / zoom - 0.5;
                int x0 = (int)Math.Floor(sx), y0 = (int)Math.Floor(sy);
                double fx = sx - x0, fy = sy - y0;
                float At(int u, int v) => plane[Math.Clamp(v, 0, side - 1) * side + Math.Clamp(u, 0, side - 1)];
                window[j * Size + i] = (float)((1 - fx) * (1 - fy) * At(x0, y0) + fx * (1 - fy) * At(x0 + 1, y0) + (1 - fx) * fy * At(x0, y0 + 1) + fx * fy * At(x0 + 1, y0 + 1));
            }
        return window;
    }

    [Theory]
    [InlineData(3, 0, "the camera pans left")]
    [InlineData(-3, 0, "the camera pans right")]
    [InlineData(0, 2, "the camera tilts up")]
    [InlineData(0, -2, "the camera tilts down")]
    [InlineData(2.5, -2.5, "the camera pans left and tilts down")]
    [InlineData(-1.5, 0.5, "the camera pans right")]
    public void A_shifted_scene_is_measured_to_a_fraction_of_a_pixel_and_named_as_the_camera_moving_the_other_way(double dx, double dy, string caption)
    {
        var scene = Texture(128, seed: 1);
        var motion = MotionEstimator.Estimate(Window(scene, 128, 32, 32), Window(scene, 128, 32 - dx, 32 - dy), Size);
        Assert.InRange(motion.Dx, dx - 0.3, dx + 0.3);
        Assert.InRange(motion.Dy, dy - 0.3, dy + 0.3);
        Assert.Equal(0, motion.Zoom);
        Assert.False(motion.HasObject);
        Assert.StartsWith(caption, MotionCaptioner.Describe(motion));
    }

    [Theory]
    [InlineData(1.05, "the scene zooms in")]
    [InlineData(1 / 1.05, "the scene zooms out")]
    public void A_scaled_scene_is_a_zoom(double zoom, string caption)
    {
        var scene = Texture(128, seed: 2);
        var motion = MotionEstimator.Estimate(Window(scene, 128, 32, 32), Window(scene, 128, 32, 32, zoom), Size);
        Assert.InRange(motion.Zoom, zoom - 1 - 0.015, zoom - 1 + 0.015);
        Assert.StartsWith(caption, MotionCaptioner.Describe(motion));
    }

    [Fact]
    public void A_patch_moving_over_a_still_background_is_an_object_with_its_direction_and_place()
    {
        var background = Window(Texture(128, seed: 3), 128, 0, 0);
        var patch = Texture(24, seed: 4, blobs: 30);
        float[] Frame(int px, int py)
        {
            var frame = (float[])background.Clone();
            for (int y = 0; y < 24; y++)
                for (int x = 0; x < 24; x++) frame[(py + y) * Size + px + x] = patch[y * 24 + x];
            return frame;
        }
        var motion = MotionEstimator.Estimate(Frame(8, 34), Frame(11, 31), Size);
        Assert.InRange(motion.RelativeShift, 0, 0.005);
        Assert.True(motion.HasObject, $"no object found: {motion}");
        Assert.InRange(motion.ObjectDx, 2.5, 3.5);
        Assert.InRange(motion.ObjectDy, -3.5, -2.5);
        Assert.StartsWith("an object in the bottom left moves up and right", MotionCaptioner.Describe(motion));
        Assert.Equal("an object moves up and right", MotionCaptioner.Describe(motion, maxBytes: 32));
    }

    [Fact]
    public void Captions_shrink_to_a_byte_limit_keeping_the_main_motion()
    {
        var both = new MotionEstimate(64, -3, -2, 0, 0.8, 30, 0, 4, 0.2, 0.1, 0.1, 0.05);
        Assert.Equal("the camera pans right and tilts down while an object in the top left moves down quickly", MotionCaptioner.Describe(both));
        Assert.Equal("the camera pans right and tilts down", MotionCaptioner.Describe(both, maxBytes: 40));
        Assert.Equal("camera pans right, tilts down", MotionCaptioner.Describe(both, maxBytes: 32));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MotionCaptioner(maxBytes: 12));
        Assert.Equal(32, new MotionCaptioner().MaxBytes);
    }

    [Fact]
    public void Still_and_featureless_frames_are_still()
    {
        var scene = Window(Texture(128, seed: 5), 128, 10, 10);
        Assert.Equal("the scene stays still", MotionCaptioner.Describe(MotionEstimator.Estimate(scene, scene, Size)));
        var flat = Enumerable.Repeat(0.5f, Size * Size).ToArray();
        var motion = MotionEstimator.Estimate(flat, flat, Size);
        Assert.Equal(0, motion.TexturedBlocks);
        Assert.Equal("the scene stays still", MotionCaptioner.Describe(motion));
    }

    [Fact]
    public async Task The_captioner_writes_one_caption_per_step_and_measures_large_frames_at_working_size()
    {
        var scene = Texture(256, seed: 6);
        var source = new VideoSource("/v.mp4", "id", TimeSpan.FromSeconds(1), 256, 256, 8, "h264", (1, 1));
        var frames = Enumerable.Range(0, 4).Select(t =>
        {
            var big = Window2x(scene, 64 + 4 * t);
            return new VideoFrame(t, t / 8.0, big);
        }).ToList();
        var captions = await new MotionCaptioner().CaptionAsync(new VideoClip(source, 0, frames, 8), CancellationToken.None);
        Assert.Equal(3, captions.Count);
        Assert.All(captions, c => Assert.StartsWith("the camera pans right", c));
    }

    /// <summary>A 128×128 grey image of the texture's window at x offset <paramref name="x"/> (2 pixels per step at working size 64).</summary>
    static Image Window2x(float[] scene, int x)
    {
        var image = new Image(128, 128);
        for (int j = 0; j < 128; j++)
            for (int i = 0; i < 128; i++)
            {
                byte v = (byte)(255 * scene[(j + 64) * 256 + i + x]);
                image[i, j] = (v, v, v);
            }
        return image;
    }
}
