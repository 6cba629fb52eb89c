using System.Text.Json.Nodes;
using PanGym.Data;
using PanGym.Data.Video;
using Xunit.Abstractions;

namespace PanGym.Tests.Data.Video;

[Collection(FFmpegCollection.Name)]
public sealed class VideoIngestTests(VideoFixture fixture, ITestOutputHelper output) : IClassFixture<VideoFixture>
{
    static int Int(JsonNode? node) => node!.GetValue<int>();

    [Fact]
    public async Task The_detector_finds_every_cut_at_its_frame_and_nothing_else()
    {
        var source = await VideoSource.ProbeAsync(fixture.VideoPath);
        var detector = new ShotCutDetector(VideoIngestConfig.Default);
        var cuts = new List<int>();
        int frames = 0;
        await foreach (var frame in VideoFrameDecoder.DecodeAsync(source, TestVideos.Fps, 64))
        {
            Assert.Equal((frames, 64, 64), (frame.Index, frame.Image.Height, frame.Image.Width));
            Assert.Equal(frames / (double)TestVideos.Fps, frame.Time, 9);
            if (detector.Push(frame)) cuts.Add(frame.Index);
            frames++;
        }
        output.WriteLine($"cuts found {string.Join(", ", cuts)}; made {string.Join(", ", fixture.Cuts)}");
        Assert.Equal(VideoFixture.Shots.Sum(s => s.Frames), frames);
        Assert.Equal(fixture.Cuts.Length, cuts.Count);
        Assert.All(fixture.Cuts.Zip(cuts), pair => Assert.InRange(pair.Second, pair.First - 1, pair.First + 1));
    }

    [Fact]
    public void The_ingest_reports_the_cuts_and_drops_the_still_and_dark_shots_with_their_reasons()
    {
        var report = fixture.Result.Report;
        output.WriteLine(report.ToString());
        var source = Assert.Single(report.Sources);
        Assert.True(source.Succeeded, source.Error);
        Assert.Equal(VideoFixture.Shots.Length, source.Shots);
        Assert.All(fixture.Cuts.Zip(source.Cuts), pair => Assert.InRange(pair.Second, pair.First - 1, pair.First + 1));

        var dropped = source.Dropped.ToLookup(d => VideoFixture.Shots[fixture.ShotOf(d.StartFrame)].Name);
        Assert.NotEmpty(dropped["still"]);
        Assert.All(dropped["still"], d => Assert.Contains(d.Reason, new[] { ClipRejectionReason.Static, ClipRejectionReason.TooShort }));
        Assert.Equal(3, dropped["still"].Count(d => d.Reason == ClipRejectionReason.Static));
        Assert.All(dropped["dark"], d => Assert.Contains(d.Reason, new[] { ClipRejectionReason.TooDark, ClipRejectionReason.TooShort }));
        Assert.Equal(3, dropped["dark"].Count(d => d.Reason == ClipRejectionReason.TooDark));
        Assert.All(dropped["dark"].Where(d => d.Scores is not null), d => Assert.True(d.Scores!.Brightness < VideoFixture.Config.MinBrightness));
        Assert.Equal(VideoFixture.Shots.Length, source.Dropped.Count(d => d.Reason == ClipRejectionReason.TooShort));
        Assert.Equal(report.DroppedByReason["static"], source.Dropped.Count(d => d.Reason == ClipRejectionReason.Static));

        var dataset = fixture.Result.Dataset;
        Assert.Equal(report.Episodes, dataset.Episodes.Count);
        Assert.Equal(source.ClipsKept, dataset.Episodes.Count);
        var keptShots = dataset.Episodes.Select(e => VideoFixture.Shots[fixture.ShotOf(Int(e.Provenance["start_frame"]))].Name).ToHashSet();
        Assert.DoesNotContain("still", keptShots);
        Assert.DoesNotContain("dark", keptShots);
        Assert.Equal(5, keptShots.Count);
    }

    [Fact]
    public void Episodes_are_in_the_trainers_format_with_provenance_and_a_report()
    {
        var dataset = EpisodeDataset.Open(fixture.Result.Dataset.Folder);
        dataset.VerifyEpisodeFiles();
        Assert.Equal((32, 32, "video"), (dataset.Info.FrameHeight, dataset.Info.FrameWidth, dataset.Info.Source));
        Assert.Equal(4, dataset.Info.Metadata["config"]!["clip_steps"]!.GetValue<int>());
        Assert.Equal("motion", dataset.Info.Metadata["captioner"]!["captioner"]!.GetValue<string>());
        Assert.NotEmpty(dataset.EpisodesIn(EpisodeSplit.Validation));
        foreach (var episode in dataset.Episodes)
        {
            Assert.Equal(4, episode.Steps);
            var p = episode.Provenance;
            Assert.Equal(fixture.VideoPath, p["source"]!.GetValue<string>());
            Assert.Equal(Int(p["start_frame"]) + 4, Int(p["end_frame"]));
            Assert.Equal(Int(p["start_frame"]) / (double)TestVideos.Fps, p["start_time"]!.GetValue<double>(), 3);
            Assert.Equal(fixture.ShotOf(Int(p["start_frame"])), Int(p["shot"]));
            Assert.Equal(3, ClipScores.HashesFromJson(p["scores"]).Count);
            Assert.True(p["scores"]!["motion"]!.GetValue<double>() >= VideoFixture.Config.MinMotion);
        }
        Assert.Equal(dataset.Episodes.Count, dataset.Episodes.Select(e => Int(e.Provenance["start_frame"])).Distinct().Count());

        var frames = dataset.ReadImages(dataset.Episodes[0]);
        Assert.Equal(5, frames.Length);
        Assert.True(frames[0].Data.Max() > 100, "frames hold a picture");

        var report = JsonNode.Parse(File.ReadAllText(Path.Combine(dataset.Folder, VideoIngestor.ReportFileName)))!;
        Assert.Equal(dataset.Episodes.Count, Int(report["clips_kept"]));
        Assert.True(Int(report["dropped_by_reason"]!["too_dark"]) >= 3);
        Assert.True(Int(report["vocabulary_size"]) > 5);
        Assert.True(report["top_words"]!.AsObject().ContainsKey("camera"));
        Assert.All(dataset.Episodes.SelectMany(e => e.Actions), a => Assert.InRange(System.Text.Encoding.UTF8.GetByteCount(a), 1, VideoIngestConfig.DefaultMaxCaptionBytes));
        var perSource = Directory.GetFiles(Path.Combine(dataset.Folder, VideoIngestor.SourceReportsFolder), "*.json");
        Assert.Equal("done", JsonNode.Parse(File.ReadAllText(Assert.Single(perSource)))!["status"]!.GetValue<string>());
    }

    [Fact]
    public void Motion_captions_name_the_direction_of_every_moving_shot_on_at_least_90_percent_of_steps()
    {
        var dataset = fixture.Result.Dataset;
        foreach (var (name, _, expected, opposite) in VideoFixture.Shots.Where(s => s.Expected is not null))
        {
            var steps = dataset.Episodes
                .Where(e => VideoFixture.Shots[fixture.ShotOf(Int(e.Provenance["start_frame"]))].Name == name)
                .SelectMany(e => e.Actions).ToList();
            bool Right(string a) => a.Contains(expected!, StringComparison.Ordinal) && !a.Contains(opposite!, StringComparison.Ordinal);
            int right = steps.Count(Right);
            output.WriteLine($"{name}: {right}/{steps.Count} say \"{expected}\"; others: {string.Join(" | ", steps.Where(a => !Right(a)))}; e.g. {steps.FirstOrDefault()}");
            Assert.True(steps.Count >= 8, $"{name}: only {steps.Count} steps kept");
            Assert.True(right >= 0.9 * steps.Count, $"{name}: {right} of {steps.Count} steps say \"{expected}\"");
        }
    }

    [Fact]
    public async Task The_endpoint_captioner_captions_an_ingest_and_a_malformed_reply_drops_only_its_clip()
    {
        using var server = new ChatCompletionsServer((n, body) => n == 1
            ? ChatCompletionsServer.Content("Sorry, I can't help with that.")
            : ChatCompletionsServer.Captions(ChatCompletionsServer.ImageCount(body) - 1, "the thing moves"));
        var options = new EndpointCaptionerOptions(new Uri(server.BaseUrl), "test-vlm", apiKey: "never-written", maxRetries: 0);
        using var captioner = new EndpointCaptioner(options);
        var result = await new VideoIngestor(VideoFixture.Config, captioner).IngestAsync([fixture.VideoPath], fixture.NewFolder());

        var failed = Assert.Single(result.Report.Sources[0].Dropped, d => d.Reason == ClipRejectionReason.CaptionFailed);
        Assert.Contains("holds no list of captions", failed.Detail);
        Assert.Equal(fixture.Result.Dataset.Episodes.Count - 1, result.Dataset.Episodes.Count);
        Assert.Equal(fixture.Result.Dataset.Episodes.Count, server.Requests.Count);
        Assert.All(result.Dataset.Episodes, e => Assert.Equal(["the thing moves 0", "the thing moves 1", "the thing moves 2", "the thing moves 3"], e.Actions));
        Assert.All(server.Requests, r => Assert.Equal(5, ChatCompletionsServer.ImageCount(r.Body)));
        Assert.Equal("test-vlm", result.Dataset.Info.Metadata["captioner"]!["model"]!.GetValue<string>());
        Assert.DoesNotContain("never-written", File.ReadAllText(Path.Combine(result.Dataset.Folder, "dataset.json")));
    }
}
