using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace PanGym.Data.Video;

/// <summary>
/// The summary of an ingest (PAN §6's manifest statistics): inputs done and failed, clips kept and dropped by reason,
/// the episodes and steps in the data set, the captions' vocabulary, and the decoding throughput. Written as
/// <see cref="VideoIngestor.ReportFileName"/> into the data set folder.
/// </summary>
public sealed partial class VideoIngestReport
{
    /// <summary>Most frequent words and captions listed.</summary>
    public const int TopCount = 20;

    VideoIngestReport(IReadOnlyList<VideoSourceReport> sources, IReadOnlyList<EpisodeRecord> episodes, long framesDecoded, TimeSpan elapsed)
    {
        Sources = sources;
        Episodes = episodes.Count;
        TrainEpisodes = episodes.Count(e => e.Split == EpisodeSplit.Train);
        ValidationEpisodes = Episodes - TrainEpisodes;
        Steps = episodes.Sum(e => (long)e.Steps);
        FramesDecoded = framesDecoded;
        Elapsed = elapsed;
        DroppedByReason = Enum.GetValues<ClipRejectionReason>()
            .Select(r => (Reason: r, Count: sources.Sum(s => s.Dropped.Count(d => d.Reason == r))))
            .Where(p => p.Count > 0)
            .ToDictionary(p => ClipRejectionReasons.Name(p.Reason), p => p.Count);
        var captions = episodes.SelectMany(e => e.Actions).ToList();
        var words = captions.SelectMany(c => Word().Matches(c.ToLowerInvariant()).Select(m => m.Value)).CountBy(w => w).ToList();
        VocabularySize = words.Count;
        TopWords = [.. words.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(TopCount)];
        var distinct = captions.CountBy(c => c).ToList();
        DistinctCaptions = distinct.Count;
        TopCaptions = [.. distinct.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(TopCount)];
    }

    /// <summary>Summarises <paramref name="sources"/> and the data set's <paramref name="episodes"/>.</summary>
    /// <param name="sources">The inputs' reports.</param>
    /// <param name="episodes">Every episode of the data set (resumed ones included).</param>
    /// <param name="framesDecoded">Frames decoded in this run.</param>
    /// <param name="elapsed">Wall-clock time of this run.</param>
    public static VideoIngestReport Create(IReadOnlyList<VideoSourceReport> sources, IReadOnlyList<EpisodeRecord> episodes, long framesDecoded, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(episodes);
        return new VideoIngestReport([.. sources], episodes, framesDecoded, elapsed);
    }

    /// <summary>Every input's report.</summary>
    public IReadOnlyList<VideoSourceReport> Sources { get; }

    /// <summary>Inputs ingested completely.</summary>
    public int SourcesDone => Sources.Count(s => s.Succeeded);

    /// <summary>Inputs that failed (their messages are in <see cref="VideoSourceReport.Error"/>).</summary>
    public IReadOnlyList<VideoSourceReport> Failures => [.. Sources.Where(s => !s.Succeeded)];

    /// <summary>Episodes (kept clips) in the data set.</summary>
    public int Episodes { get; }

    /// <summary>Episodes in the training split.</summary>
    public int TrainEpisodes { get; }

    /// <summary>Episodes in the validation split.</summary>
    public int ValidationEpisodes { get; }

    /// <summary>Steps in all episodes.</summary>
    public long Steps { get; }

    /// <summary>Clips dropped, by reason name (only reasons that occurred).</summary>
    public IReadOnlyDictionary<string, int> DroppedByReason { get; }

    /// <summary>Clips dropped in all.</summary>
    public int Dropped => DroppedByReason.Values.Sum();

    /// <summary>Frames decoded in this run.</summary>
    public long FramesDecoded { get; }

    /// <summary>Wall-clock time of this run.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>Ingest throughput: frames decoded (and analysed, captioned, written) per second of wall-clock time.</summary>
    public double FramesPerSecond => Elapsed.TotalSeconds > 0 ? FramesDecoded / Elapsed.TotalSeconds : 0;

    /// <summary>Distinct lower-case words in the captions.</summary>
    public int VocabularySize { get; }

    /// <summary>The most frequent caption words with their counts.</summary>
    public IReadOnlyList<KeyValuePair<string, int>> TopWords { get; }

    /// <summary>Distinct captions.</summary>
    public int DistinctCaptions { get; }

    /// <summary>The most frequent captions with their counts.</summary>
    public IReadOnlyList<KeyValuePair<string, int>> TopCaptions { get; }

    /// <summary>The report as JSON (every input's report included).</summary>
    public JsonObject ToJson() => new()
    {
        ["sources"] = Sources.Count,
        ["sources_done"] = SourcesDone,
        ["sources_failed"] = new JsonArray([.. Failures.Select(f => (JsonNode)new JsonObject { ["path"] = f.Path, ["error"] = f.Error })]),
        ["episodes"] = Episodes,
        ["train_episodes"] = TrainEpisodes,
        ["validation_episodes"] = ValidationEpisodes,
        ["steps"] = Steps,
        ["clips_kept"] = Episodes,
        ["clips_dropped"] = Dropped,
        ["dropped_by_reason"] = new JsonObject([.. DroppedByReason.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))]),
        ["frames_decoded"] = FramesDecoded,
        ["seconds"] = Math.Round(Elapsed.TotalSeconds, 3),
        ["frames_per_second"] = Math.Round(FramesPerSecond, 1),
        ["vocabulary_size"] = VocabularySize,
        ["top_words"] = new JsonObject([.. TopWords.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))]),
        ["distinct_captions"] = DistinctCaptions,
        ["top_captions"] = new JsonObject([.. TopCaptions.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))]),
        ["per_source"] = new JsonArray([.. Sources.Select(s => (JsonNode)s.ToJson())]),
    };

    /// <summary>The summary as a few lines of text.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        var invariant = CultureInfo.InvariantCulture;
        text.AppendLine(invariant, $"inputs: {SourcesDone} of {Sources.Count} ingested{(Failures.Count > 0 ? $", {Failures.Count} failed" : "")}");
        foreach (var failure in Failures) text.AppendLine(invariant, $"  failed: {failure.Error}");
        string reasons = Dropped > 0 ? $" ({string.Join(", ", DroppedByReason.Select(p => $"{p.Key} {p.Value}"))})" : "";
        text.AppendLine(invariant, $"clips: {Episodes} kept ({TrainEpisodes} train, {ValidationEpisodes} validation; {Steps} steps), {Dropped} dropped{reasons}");
        text.AppendLine(invariant, $"frames: {FramesDecoded} decoded in {Elapsed.TotalSeconds:0.0} s ({FramesPerSecond:0.0} frames/s)");
        text.AppendLine(invariant, $"captions: {DistinctCaptions} distinct, vocabulary of {VocabularySize} words; top words: {string.Join(", ", TopWords.Take(10).Select(p => $"{p.Key} {p.Value}"))}");
        foreach (var (caption, count) in TopCaptions.Take(5)) text.AppendLine(invariant, $"  {count,5} × {caption}");
        return text.ToString().TrimEnd();
    }

    [GeneratedRegex(@"[\p{L}\p{N}']+")]
    private static partial Regex Word();
}
