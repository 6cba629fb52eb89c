using System.Text.Json.Nodes;
using PanGym.Gym;

namespace PanGym.Data.Video;

/// <summary>What the workers of one ingest share: the writer, the written clips, the near-duplicate index and the progress counters.</summary>
internal sealed class IngestRun
{
    readonly EpisodeDatasetWriter _writer;
    readonly IProgress<VideoIngestProgress>? _progress;
    readonly HashSet<(string SourceId, int StartFrame)> _written = [];
    readonly SemaphoreSlim _writing = new(1, 1);
    readonly int _filesTotal;
    int _filesDone;
    long _framesDecoded;
    long _framesExpected;
    int _clipsKept;
    int _clipsDropped;

    /// <summary>A run writing to <paramref name="writer"/>, knowing the clips it already holds (a resumed ingest).</summary>
    public IngestRun(VideoIngestor ingestor, EpisodeDatasetWriter writer, int filesTotal, IProgress<VideoIngestProgress>? progress)
    {
        (_writer, _filesTotal, _progress) = (writer, filesTotal, progress);
        Duplicates = new NearDuplicateIndex(ingestor.Config.DuplicateDistance);
        foreach (var episode in writer.Episodes)
        {
            var provenance = episode.Provenance;
            if (provenance["source_id"] is JsonValue id && id.TryGetValue(out string? sourceId)
                && provenance["start_frame"] is JsonValue start && start.TryGetValue(out int startFrame))
                _written.Add((sourceId, startFrame));
            var hashes = ClipScores.HashesFromJson(provenance["scores"]);
            if (hashes.Count > 0) Duplicates.Add(new ClipScores(0, 0, 0, hashes), $"episode {episode.Id}");
        }
        _clipsKept = writer.Episodes.Count;
    }

    /// <summary>The clips kept so far, by perceptual hash, across all videos.</summary>
    public NearDuplicateIndex Duplicates { get; }

    /// <summary>Frames decoded so far.</summary>
    public long FramesDecoded => Interlocked.Read(ref _framesDecoded);

    /// <summary>Whether the clip of <paramref name="sourceId"/> starting at <paramref name="startFrame"/> was written before a resume.</summary>
    public bool IsWritten(string sourceId, int startFrame)
    {
        lock (_written) return _written.Contains((sourceId, startFrame));
    }

    /// <summary>
    /// Writes an episode. One at a time: the writer builds a tensor per episode, and TorchSharp 0.107 is not safe to
    /// drive from several threads at once (writing is quick next to decoding and captioning).
    /// </summary>
    public async Task WriteAsync(IReadOnlyList<Image> frames, IReadOnlyList<string> captions, EpisodeSplit split, JsonObject provenance, CancellationToken cancellationToken)
    {
        await _writing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _writer.WriteEpisode(frames, captions, split, provenance);
        }
        finally
        {
            _writing.Release();
        }
    }

    /// <summary>Adds <paramref name="frames"/> to the frames expected.</summary>
    public void Expect(long frames)
    {
        Interlocked.Add(ref _framesExpected, frames);
        Report();
    }

    /// <summary>Counts <paramref name="count"/> videos as done.</summary>
    public void FilesDone(int count)
    {
        Interlocked.Add(ref _filesDone, count);
        Report();
    }

    /// <summary>Counts a decoded frame.</summary>
    public void FrameDecoded()
    {
        Interlocked.Increment(ref _framesDecoded);
        Report();
    }

    /// <summary>Counts a kept clip.</summary>
    public void ClipKept()
    {
        Interlocked.Increment(ref _clipsKept);
        Report();
    }

    /// <summary>Counts a dropped clip.</summary>
    public void ClipDropped()
    {
        Interlocked.Increment(ref _clipsDropped);
        Report();
    }

    void Report() => _progress?.Report(new VideoIngestProgress(
        Volatile.Read(ref _filesDone), _filesTotal, Interlocked.Read(ref _framesDecoded), Interlocked.Read(ref _framesExpected),
        Volatile.Read(ref _clipsKept), Volatile.Read(ref _clipsDropped)));
}
