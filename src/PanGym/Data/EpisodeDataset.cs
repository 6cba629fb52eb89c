using PanGym.Gym;
using static TorchSharp.torch;
using PanGym.IO;

namespace PanGym.Data;

/// <summary>
/// An episode data set on disk, opened for reading: triples (o_t, a_t, o_{t+1}) inside episodes, the form in which
/// PanGym's trainer consumes environment rollouts and ingested video alike. Opening reads only the two small JSON
/// files; an episode's frames are read from its own file when asked, so a data set larger than memory still trains.
/// </summary>
/// <remarks>
/// <para>The format (version 1), a folder of:</para>
/// <code>
/// dataset.json     {"format": "pangym-episodes", "version": 1, "frame_height": H, "frame_width": W,
///                   "episodes": count, "steps": total, "source": "...", "metadata": {free-form}}
/// episodes.jsonl   one line per episode: {"id": "e000000", "file": "episodes/e000000.safetensors", "steps": T,
///                   "split": "train" | "validation", "actions": [T strings], "provenance": {free-form}}
/// episodes/e000000.safetensors   tensor "frames": uint8 [T+1, H, W, 3] (o_0 … o_T, RGB, row-major);
///                                metadata {"id": "e000000"}
/// </code>
/// <para>Action a_t takes frame t to frame t + 1. <c>episodes</c> and <c>steps</c> in dataset.json are the line count
/// and the sum of <c>steps</c> in episodes.jsonl. Frames are safetensors (https://github.com/huggingface/safetensors),
/// so any safetensors reader opens them. <see cref="EpisodeDatasetWriter"/> writes the format and never leaves a
/// half-written data set at its path.</para>
/// <para>Validation: <see cref="Open"/> checks dataset.json and every line of episodes.jsonl (missing files, bad JSON,
/// wrong format or version, fields of the wrong kind, an actions count that differs from steps, duplicate ids or files,
/// counts that disagree). Each episode's frames file is checked when that episode is read (missing, corrupt or
/// truncated, no "frames" tensor, wrong dtype, a shape that disagrees with its steps or the data set's frame size, a
/// foreign id); <see cref="VerifyEpisodeFiles"/> checks every file's header up front. Every file is opened at its real
/// path, symbolic links followed, and only when that lies inside the data set's folder. Every failure is an
/// <see cref="EpisodeDatasetException"/> naming the file, the episode and the problem.</para>
/// </remarks>
public sealed class EpisodeDataset
{
    readonly Dictionary<string, EpisodeRecord> _byId;

    EpisodeDataset(string folder, EpisodeDatasetInfo info, IReadOnlyList<EpisodeRecord> episodes)
    {
        Folder = folder;
        Info = info;
        Episodes = episodes;
        _byId = episodes.ToDictionary(e => e.Id);
        StepCount = episodes.Sum(e => (long)e.Steps);
    }

    /// <summary>The data set's folder (full path).</summary>
    public string Folder { get; }

    /// <summary>Frame size, source and metadata from dataset.json.</summary>
    public EpisodeDatasetInfo Info { get; }

    /// <summary>Every episode's record, in the order of episodes.jsonl.</summary>
    public IReadOnlyList<EpisodeRecord> Episodes { get; }

    /// <summary>Transitions in all episodes together.</summary>
    public long StepCount { get; }

    /// <summary>Opens the data set in <paramref name="folder"/>, reading and validating dataset.json and episodes.jsonl.</summary>
    /// <exception cref="EpisodeDatasetException">The folder or a file is missing or malformed; the message names which and why.</exception>
    public static EpisodeDataset Open(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        string root = Path.GetFullPath(folder);
        if (File.Exists(root)) throw new EpisodeDatasetException(root, $"The data set path {root} is a file, not a data set folder.");
        if (!Directory.Exists(root))
        {
            string hint = Directory.Exists(EpisodeDatasetWriter.StagingFolderOf(root))
                ? $" An unfinished write is staged at {EpisodeDatasetWriter.StagingFolderOf(root)}: resume it with EpisodeDatasetWriter(resume: true) and Complete it."
                : "";
            throw new EpisodeDatasetException(root, $"No data set at {root}: the folder does not exist.{hint}");
        }
        string headerPath = Path.Combine(root, EpisodeDatasetJson.HeaderFile);
        var (info, episodeCount, stepCount) = EpisodeDatasetJson.ParseHeader(headerPath, ReadText(headerPath, root));
        string episodesPath = Path.Combine(root, EpisodeDatasetJson.EpisodesFile);
        string episodesText = ReadText(episodesPath, root);
        var (lines, unterminated) = EpisodeDatasetJson.SplitLines(episodesText);
        var episodes = EpisodeDatasetJson.ParseRecords(episodesPath, unterminated is null ? lines : [.. lines, unterminated]);
        long listedSteps = episodes.Sum(e => (long)e.Steps);
        if (episodes.Count != episodeCount || listedSteps != stepCount)
            throw new EpisodeDatasetException(headerPath,
                $"{headerPath} says {episodeCount} episodes and {stepCount} steps, but {episodesPath} lists {episodes.Count} episodes and {listedSteps} steps.");
        return new EpisodeDataset(root, info, episodes);
    }

    /// <summary>The episodes of one split, in file order.</summary>
    public IReadOnlyList<EpisodeRecord> EpisodesIn(EpisodeSplit split) => [.. Episodes.Where(e => e.Split == split)];

    /// <summary>The episode named <paramref name="id"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such episode.</exception>
    public EpisodeRecord Episode(string id) =>
        _byId.TryGetValue(id, out var record) ? record : throw new KeyNotFoundException($"The data set at {Folder} has no episode \"{id}\" ({Episodes.Count} episodes).");

    /// <summary>
    /// The episode's frames as a new uint8 tensor [T+1, H, W, 3] on the CPU (it joins the current dispose scope like
    /// any factory result). Only this episode's file is read.
    /// </summary>
    /// <exception cref="EpisodeDatasetException">The frames file is missing, corrupt or does not match the record.</exception>
    public Tensor ReadFrames(EpisodeRecord episode)
    {
        using var file = OpenFramesFile(episode);
        return file.Read(EpisodeDatasetJson.FramesTensor);
    }

    /// <summary>The episode's frames as images o_0 … o_T.</summary>
    /// <exception cref="EpisodeDatasetException">The frames file is missing, corrupt or does not match the record.</exception>
    public Image[] ReadImages(EpisodeRecord episode)
    {
        var bytes = ReadFrameBytes(episode);
        int frameBytes = Info.FrameHeight * Info.FrameWidth * Image.Channels;
        return [.. Enumerable.Range(0, episode.Steps + 1)
            .Select(t => new Image(Info.FrameHeight, Info.FrameWidth, bytes.AsSpan(t * frameBytes, frameBytes).ToArray()))];
    }

    /// <summary>Checks every episode's frames file header (present, readable, right tensor, dtype, shape and id) without reading frames.</summary>
    /// <exception cref="EpisodeDatasetException">The first episode whose file is at fault.</exception>
    public void VerifyEpisodeFiles()
    {
        foreach (var episode in Episodes) OpenFramesFile(episode).Dispose();
    }

    /// <summary>The episode's frames as bytes, [T+1, H, W, 3] row-major.</summary>
    internal byte[] ReadFrameBytes(EpisodeRecord episode)
    {
        using var scope = NewDisposeScope();
        return ReadFrames(episode).bytes.ToArray();
    }

    SafetensorsFile OpenFramesFile(EpisodeRecord episode)
    {
        ArgumentNullException.ThrowIfNull(episode);
        if (!_byId.TryGetValue(episode.Id, out var known) || !(ReferenceEquals(known, episode) || known.Equals(episode)))
            throw new ArgumentException($"Episode {episode.Id} is not a record of the data set at {Folder}.", nameof(episode));
        string path = Path.Combine(Folder, episode.File);
        string what = $"Episode {episode.Id}: its frames file {path}";
        string real = ContainedPath.Resolve(Folder, episode.File, what);
        if (!File.Exists(real)) throw new EpisodeDatasetException(path, $"{what} is missing.");
        SafetensorsFile file;
        try
        {
            file = SafetensorsFile.Open(real);
        }
        catch (SafetensorsFormatException e)
        {
            throw new EpisodeDatasetException(path, $"{what} is corrupt or truncated: {e.Message}", e);
        }
        try
        {
            CheckFrames(file, episode, what);
            return file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    void CheckFrames(SafetensorsFile file, EpisodeRecord episode, string what)
    {
        if (!file.Tensors.TryGetValue(EpisodeDatasetJson.FramesTensor, out var frames))
            throw new EpisodeDatasetException(file.Path, $"{what} has no tensor \"{EpisodeDatasetJson.FramesTensor}\" (it has: {string.Join(", ", file.Tensors.Keys)}).");
        if (frames.DType != ScalarType.Byte)
            throw new EpisodeDatasetException(file.Path, $"{what} holds frames of dtype {frames.DType}, expected uint8 (U8).");
        long[] expected = [episode.Steps + 1, Info.FrameHeight, Info.FrameWidth, Image.Channels];
        if (!frames.Shape.SequenceEqual(expected))
            throw new EpisodeDatasetException(file.Path,
                $"{what} holds frames of shape {TensorShape.Format(frames.Shape)}, expected {TensorShape.Format(expected)} " +
                $"({episode.Steps} steps + 1 frames of {Info.FrameHeight}×{Info.FrameWidth} RGB, as episodes.jsonl and dataset.json say).");
        if (file.Metadata.TryGetValue(EpisodeDatasetJson.IdMetadataKey, out var id) && id != episode.Id)
            throw new EpisodeDatasetException(file.Path, $"{what} belongs to episode \"{id}\" (its metadata says so), not {episode.Id}.");
    }

    static string ReadText(string path, string root)
    {
        string real = ContainedPath.Resolve(root, Path.GetFileName(path), path);
        return File.Exists(real)
            ? File.ReadAllText(real)
            : throw new EpisodeDatasetException(path, $"{path} is missing: {root} is not a complete PanGym episode data set.");
    }
}
