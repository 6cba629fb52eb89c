using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using PanGym.Gym;
using TorchSharp;
using static TorchSharp.torch;
using PanGym.IO;

namespace PanGym.Data;

/// <summary>
/// Writes a new episode data set in the format <see cref="EpisodeDataset"/> describes, so that a crash never leaves a
/// half-written data set at its path and an interrupted write can be continued.
/// </summary>
/// <remarks>
/// <para>Everything is written into a staging folder <c>&lt;dataset&gt;.partial/</c>. Each episode's frames file is
/// written under a temporary name and renamed; only then is its line appended to episodes.jsonl (and flushed to disk).
/// <see cref="Complete"/> writes dataset.json with the final counts and renames the staging folder to the data set's
/// path. A writer disposed without <see cref="Complete"/> (or a crashed process) leaves the staging folder; a new writer
/// with <c>resume: true</c> continues after the last complete episode, dropping a torn last line and frames files no
/// line refers to.</para>
/// <para><see cref="WriteEpisode(Tensor, IReadOnlyList{string}, EpisodeSplit, JsonObject?)"/> may be called from several
/// threads at once (a parallel video ingest): ids are handed out in call order, and lines are appended as episodes
/// finish.</para>
/// </remarks>
public sealed class EpisodeDatasetWriter : IDisposable
{
    /// <summary>Suffix of the staging folder next to the data set's folder.</summary>
    public const string StagingSuffix = ".partial";

    readonly Lock _gate = new();
    readonly List<EpisodeRecord> _episodes = [];
    readonly FileStream _episodesLog;
    int _nextIndex;
    int _inFlight;
    bool _closed;

    /// <summary>Starts a data set at <paramref name="folder"/>, or with <paramref name="resume"/> continues an interrupted one.</summary>
    /// <param name="folder">The data set's folder: must not exist, or be an empty folder.</param>
    /// <param name="info">Frame size, source and metadata for dataset.json.</param>
    /// <param name="resume">
    /// Continue the write staged at <c>&lt;folder&gt;.partial/</c> when there is one (its frame size, source and metadata
    /// must equal <paramref name="info"/>); start afresh when there is none. Without it, a staged write is an error.
    /// </param>
    /// <exception cref="EpisodeDatasetException">
    /// The path is a file or a non-empty folder, a staged write is in the way (without <paramref name="resume"/>), or the
    /// staged write is broken or was started with other settings.
    /// </exception>
    public EpisodeDatasetWriter(string folder, EpisodeDatasetInfo info, bool resume = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        ArgumentNullException.ThrowIfNull(info);
        Folder = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        StagingFolder = StagingFolderOf(Folder);
        Info = info;
        if (File.Exists(Folder)) throw new EpisodeDatasetException(Folder, $"Cannot write a data set at {Folder}: it is a file.");
        if (Directory.Exists(Folder) && Directory.EnumerateFileSystemEntries(Folder).Any())
            throw new EpisodeDatasetException(Folder, $"Cannot write a data set at {Folder}: the folder exists and is not empty (choose a new folder or delete it).");
        if (File.Exists(StagingFolder)) throw new EpisodeDatasetException(StagingFolder, $"Cannot stage a data set at {StagingFolder}: it is a file.");
        bool staged = Directory.Exists(StagingFolder) && File.Exists(StagedPath(EpisodeDatasetJson.HeaderFile));
        if (Directory.Exists(StagingFolder) && !resume)
            throw new EpisodeDatasetException(StagingFolder,
                $"An interrupted write of a data set is staged at {StagingFolder}: pass resume: true to continue it, or delete that folder to start over.");
        if (staged) Recover();
        else Initialize();
        Resumed = staged;
        _episodesLog = new FileStream(StagedPath(EpisodeDatasetJson.EpisodesFile), FileMode.Append, FileAccess.Write, FileShare.Read);
    }

    /// <summary>The data set's folder (full path); it appears there on <see cref="Complete"/>.</summary>
    public string Folder { get; }

    /// <summary>Where the data set is written until <see cref="Complete"/>: <see cref="Folder"/> + <see cref="StagingSuffix"/>.</summary>
    public string StagingFolder { get; }

    /// <summary>Frame size, source and metadata of the data set.</summary>
    public EpisodeDatasetInfo Info { get; }

    /// <summary>Whether this writer continued a staged write (rather than starting an empty one).</summary>
    public bool Resumed { get; }

    /// <summary>The episodes written so far, resumed ones included, in the order of episodes.jsonl (a snapshot).</summary>
    public IReadOnlyList<EpisodeRecord> Episodes
    {
        get
        {
            lock (_gate) return [.. _episodes];
        }
    }

    /// <summary>Writes an episode from its frames o_0 … o_T as images (each of the data set's frame size).</summary>
    /// <inheritdoc cref="WriteEpisode(Tensor, IReadOnlyList{string}, EpisodeSplit, JsonObject?)"/>
    public EpisodeRecord WriteEpisode(IReadOnlyList<Image> frames, IReadOnlyList<string> actions, EpisodeSplit split, JsonObject? provenance = null)
    {
        ArgumentNullException.ThrowIfNull(frames);
        if (frames.Count == 0) throw new ArgumentException("An episode needs at least two frames; got none.", nameof(frames));
        int frameBytes = Info.FrameHeight * Info.FrameWidth * Image.Channels;
        var bytes = new byte[checked(frames.Count * frameBytes)];
        for (int t = 0; t < frames.Count; t++)
        {
            frames[t].EnsureSize(Info.FrameHeight, Info.FrameWidth, $"episode frame {t} (the data set's frames are {Info.FrameHeight}×{Info.FrameWidth})");
            frames[t].Data.CopyTo(bytes, t * frameBytes);
        }
        using var scope = NewDisposeScope();
        return WriteEpisode(torch.tensor(bytes, [frames.Count, Info.FrameHeight, Info.FrameWidth, Image.Channels]), actions, split, provenance);
    }

    /// <summary>
    /// Writes an episode: its frames file (atomically), then its line in episodes.jsonl. Returns its record, whose id
    /// is the next free one (<c>e000000</c>, <c>e000001</c>, …).
    /// </summary>
    /// <param name="frames">uint8 [T+1, H, W, 3]: o_0 … o_T at the data set's frame size.</param>
    /// <param name="actions">T action texts; a_t takes o_t to o_{t+1}.</param>
    /// <param name="split">Train or validation.</param>
    /// <param name="provenance">Free-form JSON recorded with the episode (seed, source file, timestamps, …).</param>
    /// <exception cref="ArgumentException">Frames of the wrong dtype, shape or size, or actions that do not match them.</exception>
    /// <exception cref="InvalidOperationException">After <see cref="Complete"/> or <see cref="Dispose"/>.</exception>
    public EpisodeRecord WriteEpisode(Tensor frames, IReadOnlyList<string> actions, EpisodeSplit split, JsonObject? provenance = null)
    {
        ArgumentNullException.ThrowIfNull(frames);
        ArgumentNullException.ThrowIfNull(actions);
        CheckFrames(frames, actions.Count);
        EpisodeRecord record;
        lock (_gate)
        {
            ThrowIfClosed();
            string id = string.Create(CultureInfo.InvariantCulture, $"e{_nextIndex:D6}");
            record = new EpisodeRecord(id, EpisodeDatasetJson.EpisodeFile(id), actions.Count, split, actions, provenance);
            _nextIndex++;
            _inFlight++;
        }
        try
        {
            SafetensorsWriter.Save(StagedPath(record.File), [new(EpisodeDatasetJson.FramesTensor, frames)],
                new Dictionary<string, string> { [EpisodeDatasetJson.IdMetadataKey] = record.Id });
            var line = Encoding.UTF8.GetBytes(EpisodeDatasetJson.FormatRecord(record) + "\n");
            lock (_gate)
            {
                _episodesLog.Write(line);
                _episodesLog.Flush(flushToDisk: true);
                _episodes.Add(record);
            }
            return record;
        }
        finally
        {
            lock (_gate) _inFlight--;
        }
    }

    /// <summary>
    /// Finishes the data set: writes dataset.json with the counts and moves the staging folder to <see cref="Folder"/>.
    /// Returns the data set, opened for reading. The writer is closed afterwards.
    /// </summary>
    /// <exception cref="InvalidOperationException">Episodes are still being written, or the writer is closed.</exception>
    /// <exception cref="EpisodeDatasetException">Something appeared at <see cref="Folder"/> in the meantime.</exception>
    public EpisodeDataset Complete()
    {
        lock (_gate)
        {
            ThrowIfClosed();
            if (_inFlight > 0) throw new InvalidOperationException($"Complete was called while {_inFlight} episodes are still being written; wait for them first.");
            _closed = true;
            _episodesLog.Dispose();
            AtomicFile.WriteAllText(StagedPath(EpisodeDatasetJson.HeaderFile),
                EpisodeDatasetJson.FormatHeader(Info, _episodes.Count, _episodes.Sum(e => (long)e.Steps)));
            if (Directory.Exists(Folder))
            {
                if (Directory.EnumerateFileSystemEntries(Folder).Any())
                    throw new EpisodeDatasetException(Folder, $"Cannot complete the data set: {Folder} is no longer empty. The finished data set stays at {StagingFolder}.");
                Directory.Delete(Folder);
            }
            Directory.Move(StagingFolder, Folder);
        }
        return EpisodeDataset.Open(Folder);
    }

    /// <summary>Closes the writer. Without <see cref="Complete"/>, the staged write stays for a later <c>resume: true</c>.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _closed = true;
            _episodesLog.Dispose();
        }
    }

    /// <summary>The staging folder of the data set at <paramref name="folder"/>.</summary>
    internal static string StagingFolderOf(string folder) => Path.TrimEndingDirectorySeparator(folder) + StagingSuffix;

    string StagedPath(string relative) => Path.Combine(StagingFolder, relative);

    void ThrowIfClosed()
    {
        if (_closed) throw new InvalidOperationException($"The writer of {Folder} is closed (completed or disposed); open a new one with resume: true to add episodes to an unfinished data set.");
    }

    void CheckFrames(Tensor frames, int steps)
    {
        long[] expected = [steps + 1, Info.FrameHeight, Info.FrameWidth, Image.Channels];
        if (frames.dtype != ScalarType.Byte)
            throw new ArgumentException($"Episode frames must be uint8, got {frames.dtype}.", nameof(frames));
        if (!frames.shape.SequenceEqual(expected))
            throw new ArgumentException(
                $"Episode frames must be [T+1, H, W, 3] = {TensorShape.Format(expected)} for {steps} actions and {Info.FrameHeight}×{Info.FrameWidth} frames; got {TensorShape.Format(frames.shape)}.",
                nameof(frames));
    }

    void Initialize()
    {
        Directory.CreateDirectory(Path.Combine(StagingFolder, EpisodeDatasetJson.EpisodesFolder));
        File.WriteAllBytes(StagedPath(EpisodeDatasetJson.EpisodesFile), []);
        AtomicFile.WriteAllText(StagedPath(EpisodeDatasetJson.HeaderFile), EpisodeDatasetJson.FormatHeader(Info, 0, 0));
    }

    /// <summary>Loads the staged write: checks its settings, drops a torn last line and unreferenced files, and finds the next id.</summary>
    void Recover()
    {
        string headerPath = StagedPath(EpisodeDatasetJson.HeaderFile);
        var (staged, _, _) = EpisodeDatasetJson.ParseHeader(headerPath, File.ReadAllText(headerPath));
        if (!staged.Equals(Info))
            throw new EpisodeDatasetException(headerPath,
                $"The write staged at {StagingFolder} was started with other settings ({Describe(staged)}) than this writer's ({Describe(Info)}); " +
                "resume it with the same settings, or delete that folder to start over.");
        string episodesPath = StagedPath(EpisodeDatasetJson.EpisodesFile);
        var bytes = File.Exists(episodesPath) ? File.ReadAllBytes(episodesPath) : [];
        int complete = Array.LastIndexOf(bytes, (byte)'\n') + 1;
        var (lines, _) = EpisodeDatasetJson.SplitLines(Encoding.UTF8.GetString(bytes, 0, complete));
        _episodes.AddRange(EpisodeDatasetJson.ParseRecords(episodesPath, lines));
        using (var log = new FileStream(episodesPath, FileMode.OpenOrCreate, FileAccess.Write)) log.SetLength(complete);
        foreach (var episode in _episodes)
            if (!File.Exists(StagedPath(episode.File)))
                throw new EpisodeDatasetException(StagedPath(episode.File),
                    $"The staged write at {StagingFolder} lists episode {episode.Id}, but its frames file {StagedPath(episode.File)} is missing; delete the staging folder to start over.");
        string episodesFolder = StagedPath(EpisodeDatasetJson.EpisodesFolder);
        Directory.CreateDirectory(episodesFolder);
        var referenced = _episodes.Select(e => Path.GetFullPath(StagedPath(e.File))).ToHashSet();
        foreach (var file in Directory.EnumerateFiles(episodesFolder).Where(f => !referenced.Contains(Path.GetFullPath(f))).ToList())
            File.Delete(file);
        _nextIndex = _episodes.Select(e => IndexOf(e.Id)).DefaultIfEmpty(-1).Max() + 1;
    }

    static int IndexOf(string id) =>
        id.Length > 1 && id[0] == 'e' && int.TryParse(id.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out int index) ? index : -1;

    static string Describe(EpisodeDatasetInfo info) =>
        $"frames {info.FrameHeight}×{info.FrameWidth}, source \"{info.Source}\", metadata {info.Metadata.ToJsonString()}";
}
