using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using PanGym.Media;
using PanGym.IO;

namespace PanGym.Data.Video;

/// <summary>
/// Turns video files into an episode data set, following PAN §6: each video is probed, decoded at a chosen rate and
/// size (streaming, through ffmpeg), cut into shots, segmented into clips of a fixed number of steps inside each shot,
/// filtered (too short, too dark, flat, static, too fast, near-duplicate, captions too long for the model; every
/// dropped clip is recorded with its reason), captioned step by step by a pluggable <see cref="IClipCaptioner"/>, and written with
/// <see cref="EpisodeDatasetWriter"/>, so that <c>pangym train --data</c> trains on it exactly as on environment data.
/// </summary>
/// <remarks>
/// <para>Each episode's provenance records its source file (path, name and id), shot, first and last frame, their
/// times in seconds, the frame rate, the captioner and the filter scores. Each input's report (cuts, kept and dropped
/// clips) goes to <c>ingest/&lt;id&gt;.json</c> and the summary to <see cref="ReportFileName"/> in the data set folder.</para>
/// <para>Videos are ingested in parallel (<see cref="MaxParallelFiles"/>). Everything is staged by the writer: a crash
/// or a cancel leaves the staging folder, and a run with <c>resume: true</c> skips the videos that were finished and
/// the clips already written, so nothing is decoded into the data set twice; the data set's folder appears only when
/// the ingest completes. A video that cannot be read (a missing path, a corrupt or truncated file, a missing action
/// log, an endpoint that keeps failing) is reported as failed with a clear message and the others go on; when no
/// video at all could be ingested, the ingest throws and completes nothing.</para>
/// <para>Splits: within each video, the clips that pass the content filters are numbered in order and a
/// <see cref="VideoIngestConfig.ValidationFraction"/> share of them, spread evenly, goes to validation. With several
/// parallel files, which of two near-duplicate clips in different files is kept depends on timing (one always is).</para>
/// </remarks>
public sealed class VideoIngestor
{
    /// <summary>The summary report's file name in the data set folder.</summary>
    public const string ReportFileName = "ingest-report.json";

    /// <summary>The folder (in the data set) of the per-video reports.</summary>
    public const string SourceReportsFolder = "ingest";

    /// <summary>The data set's <see cref="EpisodeDatasetInfo.Source"/>.</summary>
    public const string DatasetSource = "video";

    static readonly JsonSerializerOptions _indented = new() { WriteIndented = true };

    /// <summary>An ingestor.</summary>
    /// <param name="config">Rate, size, clip length, cut and filter settings.</param>
    /// <param name="captioner">Writes every kept clip's actions.</param>
    /// <param name="maxParallelFiles">Videos ingested at once (at least 1).</param>
    public VideoIngestor(VideoIngestConfig config, IClipCaptioner captioner, int maxParallelFiles = 1)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(captioner);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxParallelFiles, 1);
        (Config, Captioner, MaxParallelFiles) = (config, captioner, maxParallelFiles);
    }

    /// <summary>File extensions taken from folders given as inputs (files named directly are taken whatever their extension).</summary>
    public static IReadOnlyList<string> VideoExtensions { get; } =
        [".mp4", ".m4v", ".mov", ".mkv", ".webm", ".avi", ".mpg", ".mpeg", ".ts", ".flv", ".wmv", ".ogv", ".gif"];

    /// <summary>Rate, size, clip length, cut and filter settings.</summary>
    public VideoIngestConfig Config { get; }

    /// <summary>The captioner.</summary>
    public IClipCaptioner Captioner { get; }

    /// <summary>Videos ingested at once.</summary>
    public int MaxParallelFiles { get; }

    /// <summary>The data set's description: frame size, source <see cref="DatasetSource"/>, and the settings and captioner as metadata (a resumed ingest must match them).</summary>
    public EpisodeDatasetInfo DatasetInfo => new(Config.FrameSize, Config.FrameSize, DatasetSource, new JsonObject
    {
        ["ingest"] = typeof(VideoIngestor).FullName,
        ["config"] = Config.ToJson(),
        ["captioner"] = Captioner.Describe(),
    });

    /// <summary>
    /// The video files the inputs name: files as given, folders searched recursively for <see cref="VideoExtensions"/>
    /// (in ordinal order of their paths), duplicates removed; and a failure report for every input that is missing, or
    /// a folder that cannot be listed or holds no video.
    /// </summary>
    public static (IReadOnlyList<string> Files, IReadOnlyList<VideoSourceReport> Failures) ExpandInputs(IEnumerable<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var files = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var failures = new List<VideoSourceReport>();
        void Fail(string path, string message) => failures.Add(VideoSourceReport.Failure(path, VideoSource.IdOf(path), message));
        foreach (var input in inputs)
        {
            if (string.IsNullOrWhiteSpace(input))
            {
                Fail("", "An input path is empty.");
                continue;
            }
            string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(input));
            if (Directory.Exists(full))
            {
                List<string> found;
                try
                {
                    found = [.. Directory.EnumerateFiles(full, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.Hidden | FileAttributes.System })
                        .Where(f => VideoExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
                        .Order(StringComparer.Ordinal)];
                }
                catch (Exception e) when (e is UnauthorizedAccessException or IOException)
                {
                    Fail(full, $"Cannot list the folder {full}: {e.Message}");
                    continue;
                }
                if (found.Count == 0) Fail(full, $"The folder {full} holds no video files (looked for {string.Join(" ", VideoExtensions)}).");
                files.AddRange(found.Where(seen.Add));
            }
            else if (File.Exists(full))
            {
                if (seen.Add(full)) files.Add(full);
            }
            else
            {
                Fail(full, $"Cannot read the video {full}: no such file or folder.");
            }
        }
        return (files, failures);
    }

    /// <summary>
    /// Ingests the videos named by <paramref name="inputs"/> (files or folders) into a new data set at
    /// <paramref name="folder"/> and returns it with its report. Cancelling leaves the finished work staged for
    /// <paramref name="resume"/>.
    /// </summary>
    /// <param name="inputs">Video files and folders of videos.</param>
    /// <param name="folder">The new data set's folder (see <see cref="EpisodeDatasetWriter"/>).</param>
    /// <param name="resume">Continue an interrupted ingest with the same settings, skipping finished videos and written clips.</param>
    /// <param name="progress">Told as frames are decoded and clips are written (from worker threads).</param>
    /// <param name="cancellationToken">Stops the ingest; what was finished stays staged.</param>
    /// <exception cref="ArgumentException">No inputs.</exception>
    /// <exception cref="FFmpegNotFoundException">ffmpeg or ffprobe is not installed (nothing is touched).</exception>
    /// <exception cref="EpisodeDatasetException">The folder is in the way, or a staged ingest has other settings (or is there without <paramref name="resume"/>).</exception>
    /// <exception cref="VideoIngestException">No video could be ingested (every input failed); the staging folder is kept.</exception>
    public async Task<VideoIngestResult> IngestAsync(IReadOnlyList<string> inputs, string folder, bool resume = false,
        IProgress<VideoIngestProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        if (inputs.Count == 0) throw new ArgumentException("Give at least one video file or folder to ingest.", nameof(inputs));
        FFmpegTools.EnsureAvailable();
        var clock = Stopwatch.StartNew();
        var (files, inputFailures) = ExpandInputs(inputs);
        using var writer = new EpisodeDatasetWriter(folder, DatasetInfo, resume);
        string reportsFolder = Path.Combine(writer.StagingFolder, SourceReportsFolder);
        Directory.CreateDirectory(reportsFolder);
        var finished = LoadReports(reportsFolder);
        var run = new IngestRun(this, writer, files.Count + inputFailures.Count, progress);
        run.FilesDone(inputFailures.Count);

        var parallel = new ParallelOptions { MaxDegreeOfParallelism = MaxParallelFiles, CancellationToken = cancellationToken };
        var probed = new (VideoSource? Source, VideoSourceReport? Failure)[files.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, files.Count), parallel, async (i, token) =>
        {
            try
            {
                probed[i] = (await VideoSource.ProbeAsync(files[i], token).ConfigureAwait(false), null);
            }
            catch (VideoIngestException e)
            {
                probed[i] = (null, VideoSourceReport.Failure(files[i], VideoSource.IdOf(files[i]), e.Message));
            }
        }).ConfigureAwait(false);

        var results = new VideoSourceReport?[files.Count];
        var pending = new List<(int Index, VideoSource Source)>();
        for (int i = 0; i < files.Count; i++)
        {
            if (probed[i].Failure is { } failure) results[i] = failure;
            else if (finished.TryGetValue(probed[i].Source!.Id, out var done)) results[i] = done;
            else
            {
                pending.Add((i, probed[i].Source!));
                continue;
            }
            run.FilesDone(1);
        }
        run.Expect(pending.Sum(p => p.Source.ExpectedFrames(Config.Fps)));

        await Parallel.ForEachAsync(pending, parallel, async (item, token) =>
        {
            var report = await new SourceIngestStep(this, run).IngestAsync(item.Source, token).ConfigureAwait(false);
            if (report.Succeeded)
                AtomicFile.WriteAllText(Path.Combine(reportsFolder, report.Id + ".json"), report.ToJson().ToJsonString(_indented) + "\n");
            results[item.Index] = report;
            run.FilesDone(1);
        }).ConfigureAwait(false);

        var thisRun = results.OfType<VideoSourceReport>().ToList();
        var ids = thisRun.Select(r => r.Id).ToHashSet();
        var sources = inputFailures.Concat(thisRun).Concat(finished.Values.Where(r => !ids.Contains(r.Id))).ToList();
        var report = VideoIngestReport.Create(sources, writer.Episodes, run.FramesDecoded, clock.Elapsed);
        if (report.SourcesDone == 0)
            throw new VideoIngestException(writer.Folder,
                $"No video could be ingested into {writer.Folder}: {string.Join(" ", report.Failures.Select(f => f.Error))} " +
                $"Nothing was completed; what was staged stays in {writer.StagingFolder} for a run with resume.");
        AtomicFile.WriteAllText(Path.Combine(writer.StagingFolder, ReportFileName), report.ToJson().ToJsonString(_indented) + "\n");
        return new VideoIngestResult(writer.Complete(), report);
    }

    /// <summary>Whether the clip numbered <paramref name="ordinal"/> (among a video's clips that passed the content filters) goes to validation.</summary>
    public bool IsValidation(int ordinal)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ordinal);
        double f = Config.ValidationFraction;
        return Math.Floor((ordinal + 1) * f + 1e-9) > Math.Floor(ordinal * f + 1e-9);
    }

    /// <summary>The finished videos' reports in a staged ingest, by id (unreadable ones are ignored: those videos are done again).</summary>
    static Dictionary<string, VideoSourceReport> LoadReports(string reportsFolder)
    {
        var reports = new Dictionary<string, VideoSourceReport>();
        foreach (var file in Directory.EnumerateFiles(reportsFolder, "*.json"))
        {
            try
            {
                var report = VideoSourceReport.FromJson(JsonNode.Parse(File.ReadAllText(file)));
                if (report.Succeeded) reports[report.Id] = report;
            }
            catch (Exception e) when (e is JsonException or FormatException or IOException)
            {
                // A damaged report: its video is ingested again (its written clips are skipped).
            }
        }
        return reports;
    }
}
