using PanGym.Data.Video;

namespace PanGym.Tests.Data.Video;

public sealed class VideoIngestConfigTests
{
    [Fact]
    public void Presets_match_the_world_models_frame_sizes()
    {
        Assert.Equal((32, 64, 2), (VideoIngestConfig.Default.FrameSize, VideoIngestConfig.Default.AnalysisSize, VideoIngestConfig.Default.AnalysisScale));
        Assert.Equal((256, 256), (VideoIngestConfig.Pan.FrameSize, VideoIngestConfig.Pan.AnalysisSize));
        Assert.Equal((0.0, -1), (VideoIngestConfig.Unfiltered.MinMotion, VideoIngestConfig.Unfiltered.DuplicateDistance));
        Assert.Equal(96, new VideoIngestConfig(frameSize: 48).AnalysisSize);
        Assert.Equal(VideoIngestConfig.Default, new VideoIngestConfig());
        Assert.Equal(8, VideoIngestConfig.Default.ToJson()["clip_steps"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("frameSize")]
    [InlineData("fps")]
    [InlineData("clipSteps")]
    [InlineData("analysisSize")]
    [InlineData("maxMotion")]
    [InlineData("duplicateDistance")]
    [InlineData("validationFraction")]
    public void A_bad_setting_is_refused_by_name(string name)
    {
        var error = Assert.Throws<ArgumentException>(() => name switch
        {
            "frameSize" => new VideoIngestConfig(frameSize: 4),
            "fps" => new VideoIngestConfig(fps: double.NaN),
            "clipSteps" => new VideoIngestConfig(clipSteps: 0),
            "analysisSize" => new VideoIngestConfig(frameSize: 32, analysisSize: 48),
            "maxMotion" => new VideoIngestConfig(minMotion: 0.5, maxMotion: 0.4),
            "duplicateDistance" => new VideoIngestConfig(duplicateDistance: 65),
            _ => new VideoIngestConfig(validationFraction: 1),
        });
        Assert.Equal(name, error.ParamName);
        Assert.Contains(name, error.Message);
    }

    [Fact]
    public void The_validation_share_is_spread_evenly_over_each_videos_clips()
    {
        var ingestor = new VideoIngestor(new VideoIngestConfig(validationFraction: 0.25), new MotionCaptioner());
        Assert.Equal([3, 7, 11, 15], Enumerable.Range(0, 16).Where(ingestor.IsValidation));
        var none = new VideoIngestor(new VideoIngestConfig(validationFraction: 0), new MotionCaptioner());
        Assert.DoesNotContain(Enumerable.Range(0, 100), none.IsValidation);
        var tenth = new VideoIngestor(VideoIngestConfig.Default, new MotionCaptioner());
        Assert.Equal(10, Enumerable.Range(0, 100).Count(tenth.IsValidation));
    }

    [Fact]
    public void Perceptual_hashes_are_near_for_a_recompressed_frame_and_far_for_another()
    {
        var random = new Random(1);
        float[] Smooth(int seed)
        {
            var r = new Random(seed);
            var coarse = Enumerable.Range(0, 64).Select(_ => (float)r.NextDouble()).ToArray();
            return [.. Enumerable.Range(0, 64 * 64).Select(i => coarse[i / 64 / 8 * 8 + i % 64 / 8])];
        }
        var a = Smooth(1);
        var noisy = a.Select(v => Math.Clamp(v + (float)(random.NextDouble() - 0.5) * 0.04f, 0, 1)).ToArray();
        var b = Smooth(2);
        Assert.InRange(PerceptualHash.Distance(PerceptualHash.Of(a, 64), PerceptualHash.Of(noisy, 64)), 0, 4);
        Assert.InRange(PerceptualHash.Distance(PerceptualHash.Of(a, 64), PerceptualHash.Of(b, 64)), 16, 64);
        Assert.Throws<ArgumentException>(() => PerceptualHash.Of(new float[16 * 16], 16));
    }
}
