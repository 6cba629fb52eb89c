using PanGym.Data.Video;
using PanGym.Envs;
using PanGym.Gym;
using PanGym.Media;

namespace PanGym.Tests.Data.Video;

[Collection(FFmpegCollection.Name)]
public sealed class LogCaptionerTests : IDisposable
{
    readonly string _folder = Directory.CreateTempSubdirectory("pangym-log-captions-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>A ShapesWorld episode recorded as an mp4 at 4 frames per second with its action log next to it.</summary>
    (string Video, string[] Actions) Record(string name, int steps)
    {
        using var env = new ShapesWorld(ShapesWorldConfig.Small);
        var frames = new List<Image> { env.Reset(seed: 5).Observation };
        var actions = Enumerable.Range(0, steps).Select(i => ShapesWorldAction.Candidates[(i * 5 + 1) % ShapesWorldAction.Candidates.Count]).ToArray();
        foreach (var action in actions) frames.Add(env.Step(action).Observation);
        string video = Path.Combine(_folder, name);
        VideoWriter.Write(video, frames, fps: 4);
        File.WriteAllLines(video + LogCaptioner.Suffix, actions);
        return (video, actions);
    }

    [Fact]
    public async Task Steps_get_the_logged_actions_of_their_frames()
    {
        var (video, actions) = Record("episode.mp4", 12);
        var config = new VideoIngestConfig(fps: 4, clipSteps: 4, minBrightness: 0, minContrast: 0, minMotion: 0, maxMotion: 1, duplicateDistance: -1, validationFraction: 0);
        var result = await new VideoIngestor(config, new LogCaptioner()).IngestAsync([video], Path.Combine(_folder, "data"));

        Assert.True(result.Dataset.Episodes.Count >= 2, result.Report.ToString());
        foreach (var episode in result.Dataset.Episodes)
        {
            int start = episode.Provenance["start_frame"]!.GetValue<int>();
            Assert.Equal(actions[start..(start + 4)], episode.Actions);
            Assert.Equal("log", episode.Provenance["captioner"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task A_lower_sampling_rate_joins_the_actions_a_step_spans()
    {
        var (video, actions) = Record("fast.mp4", 8);
        var source = await VideoSource.ProbeAsync(video);
        var captioner = new LogCaptioner();
        await ((IClipCaptioner)captioner).PrepareAsync(source, CancellationToken.None);
        var frames = Enumerable.Range(0, 3).Select(i => new VideoFrame(i, i / 2.0, new Image(64, 64))).ToList();
        var captions = await captioner.CaptionAsync(new VideoClip(source, 0, frames, fps: 2), CancellationToken.None);
        Assert.Equal([$"{actions[0]}, then {actions[1]}", $"{actions[2]}, then {actions[3]}"], captions);
    }

    [Fact]
    public async Task A_missing_or_short_log_fails_that_video_clearly()
    {
        var (video, _) = Record("episode.mp4", 8);
        File.Delete(video + LogCaptioner.Suffix);
        var (other, _) = Record("other.mp4", 8);
        File.WriteAllLines(other + LogCaptioner.Suffix, ["move the red circle up", "wait"]);
        var config = new VideoIngestConfig(fps: 4, clipSteps: 4, minBrightness: 0, minContrast: 0, minMotion: 0, maxMotion: 1, duplicateDistance: -1);
        var error = await Assert.ThrowsAsync<VideoIngestException>(() => new VideoIngestor(config, new LogCaptioner()).IngestAsync([video, other], Path.Combine(_folder, "data")));
        Assert.Contains($"No action log for {video}", error.Message);
        Assert.Contains(video + LogCaptioner.Suffix, error.Message);
        Assert.Contains("has 2 lines", error.Message);
        Assert.Contains("too short for the video", error.Message);
    }
}
