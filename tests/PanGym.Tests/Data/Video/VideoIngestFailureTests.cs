using System.Text.Json.Nodes;
using FFMpegCore;
using PanGym.Data;
using PanGym.Data.Video;
using PanGym.Media;

namespace PanGym.Tests.Data.Video;

[Collection(FFmpegCollection.Name)]
public sealed class VideoIngestFailureTests(FailureVideos videos) : IClassFixture<FailureVideos>
{
    static readonly VideoIngestConfig Config = new(clipSteps: 4);

    /// <summary>The motion captioner, failing like a bug would (not an I/O error) on call number <paramref name="failOn"/>.</summary>
    sealed class CrashingCaptioner(int failOn) : IClipCaptioner
    {
        readonly MotionCaptioner _inner = new();
        int _calls;

        public string Name => _inner.Name;

        public JsonObject Describe() => _inner.Describe();

        public Task<IReadOnlyList<string>> CaptionAsync(VideoClip clip, CancellationToken cancellationToken) =>
            Interlocked.Increment(ref _calls) == failOn ? throw new InvalidOperationException("simulated crash") : _inner.CaptionAsync(clip, cancellationToken);
    }

    static string[] Lines(string folder) => File.ReadAllLines(Path.Combine(folder + EpisodeDatasetWriter.StagingSuffix, "episodes.jsonl"));

    [Fact]
    public async Task Corrupt_truncated_and_missing_inputs_fail_clearly_and_the_rest_is_ingested()
    {
        string missing = Path.Combine(videos.Root, "no-such-video.mp4");
        string emptyFolder = Directory.CreateDirectory(Path.Combine(videos.NewFolder(), "nothing-here")).FullName;
        var result = await new VideoIngestor(Config, new MotionCaptioner(), maxParallelFiles: 2)
            .IngestAsync([videos.Corrupt, videos.First, missing, videos.Truncated, emptyFolder], videos.NewFolder());

        var report = result.Report;
        Assert.Equal(1, report.SourcesDone);
        var errors = report.Failures.ToDictionary(f => Path.GetFileName(f.Path), f => f.Error!);
        Assert.Equal(4, errors.Count);
        Assert.Contains($"Cannot read the video {videos.Corrupt}: ffprobe could not open it", errors["corrupt.mp4"]);
        Assert.Contains("corrupt, truncated or not a video", errors["corrupt.mp4"]);
        Assert.Contains($"Cannot read the video {videos.Truncated}", errors["truncated.mp4"]);
        Assert.Contains("moov atom not found", errors["truncated.mp4"]);
        Assert.Contains($"{missing}: no such file or folder", errors["no-such-video.mp4"]);
        Assert.Contains("holds no video files", errors["nothing-here"]);
        Assert.NotEmpty(result.Dataset.Episodes);
        Assert.All(result.Dataset.Episodes, e => Assert.Equal(videos.First, e.Provenance["source"]!.GetValue<string>()));
    }

    [Fact]
    public async Task When_no_input_can_be_ingested_nothing_is_completed()
    {
        string folder = videos.NewFolder();
        var error = await Assert.ThrowsAsync<VideoIngestException>(() =>
            new VideoIngestor(Config, new MotionCaptioner()).IngestAsync([videos.Corrupt, Path.Combine(videos.Root, "missing.mkv")], folder));
        Assert.Contains("No video could be ingested", error.Message);
        Assert.Contains("missing.mkv", error.Message);
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public async Task A_crash_keeps_the_written_clips_missing_ffmpeg_changes_nothing_and_a_resume_finishes_without_duplicates()
    {
        string reference = videos.NewFolder();
        var complete = await new VideoIngestor(Config, new MotionCaptioner()).IngestAsync([videos.First, videos.Second], reference);

        string folder = videos.NewFolder();
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            new VideoIngestor(Config, new CrashingCaptioner(failOn: 3)).IngestAsync([videos.First, videos.Second], folder));
        Assert.False(Directory.Exists(folder));
        var staged = Lines(folder);
        Assert.Equal(2, staged.Length);

        var options = GlobalFFOptions.Current;
        string? previous = options.BinaryFolder;
        try
        {
            options.BinaryFolder = Directory.CreateDirectory(Path.Combine(videos.NewFolder(), "no-ffmpeg")).FullName;
            var missing = await Assert.ThrowsAsync<FFmpegNotFoundException>(() =>
                new VideoIngestor(Config, new MotionCaptioner()).IngestAsync([videos.First, videos.Second], folder, resume: true));
            Assert.Contains("was not found", missing.Message);
            Assert.Contains("apt-get install ffmpeg", missing.Message);
        }
        finally
        {
            options.BinaryFolder = previous;
        }
        Assert.Equal(staged, Lines(folder));

        var resumed = await new VideoIngestor(Config, new MotionCaptioner()).IngestAsync([videos.First, videos.Second], folder, resume: true);
        Assert.Equal(staged, File.ReadLines(Path.Combine(folder, "episodes.jsonl")).Take(2));
        static string Key(EpisodeRecord e) => $"{e.Provenance["source_id"]}@{e.Provenance["start_frame"]}: {string.Join("|", e.Actions)} {e.Split}";
        Assert.Equal(complete.Dataset.Episodes.Select(Key).Order(), resumed.Dataset.Episodes.Select(Key).Order());
        Assert.Equal(complete.Report.DroppedByReason, resumed.Report.DroppedByReason);
    }

    [Fact]
    public async Task A_cancelled_ingest_resumes_after_the_videos_it_finished()
    {
        string folder = videos.NewFolder();
        using var cancellation = new CancellationTokenSource();
        var stopAfterFirst = new Progress(p =>
        {
            if (p.FilesDone >= 1) cancellation.Cancel();
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            new VideoIngestor(Config, new MotionCaptioner()).IngestAsync([videos.First, videos.Second], folder, progress: stopAfterFirst, cancellationToken: cancellation.Token));
        Assert.False(Directory.Exists(folder));
        Assert.Single(Directory.GetFiles(Path.Combine(folder + EpisodeDatasetWriter.StagingSuffix, VideoIngestor.SourceReportsFolder)));

        var resumed = await new VideoIngestor(Config, new MotionCaptioner()).IngestAsync([videos.First, videos.Second], folder, resume: true);
        Assert.Equal(2, resumed.Report.SourcesDone);
        Assert.Equal(20, resumed.Report.FramesDecoded);
        Assert.Equal(2, resumed.Dataset.Episodes.Select(e => e.Provenance["source"]!.GetValue<string>()).Distinct().Count());
        Assert.Equal(2, Directory.GetFiles(Path.Combine(folder, VideoIngestor.SourceReportsFolder)).Length);
    }

    [Fact]
    public async Task A_consumer_that_stops_early_stops_ffmpeg_too()
    {
        var source = await VideoSource.ProbeAsync(videos.First);
        Assert.Equal((320, 240, 8.0), (source.Width, source.Height, source.FrameRate));
        Assert.Equal(2.5, source.Duration.TotalSeconds, 1);
        int frames = 0;
        await foreach (var frame in VideoFrameDecoder.DecodeAsync(source, 8, 32))
            if (++frames == 3) break;
        Assert.Equal(3, frames);
        Assert.Equal(20, await VideoFrameDecoder.DecodeAsync(source, 8, 32).CountAsync());
        Assert.Equal(10, await VideoFrameDecoder.DecodeAsync(source, 4, 32).CountAsync());
    }

    /// <summary>Reports on the calling thread at once.</summary>
    sealed class Progress(Action<VideoIngestProgress> report) : IProgress<VideoIngestProgress>
    {
        public void Report(VideoIngestProgress value) => report(value);
    }
}
