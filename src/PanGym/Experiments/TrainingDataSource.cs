using System.Text.Json.Nodes;
using PanGym.Data;

namespace PanGym.Experiments;

/// <summary>
/// Where a <see cref="TrainingRun"/> reads its episodes (o_t, a_t, o_{t+1}): an episode data set folder, episodes
/// generated from a ground-truth environment into the run's <see cref="GeneratedFolderName"/> folder, or the episodes an
/// earlier call generated there (a resume).
/// </summary>
public sealed record TrainingDataSource
{
    /// <summary>The folder inside a run's output folder that generated episodes go to.</summary>
    public const string GeneratedFolderName = "data";

    TrainingDataSource(string? folder, EpisodeGenerator? generator, EpisodeGenerationConfig? generation, string? envId) =>
        (Folder, Generator, Generation, EnvId) = (folder, generator, generation, envId);

    /// <summary>An episode data set folder (see <see cref="EpisodeDataset"/>).</summary>
    /// <exception cref="ArgumentException">The path is empty.</exception>
    public static TrainingDataSource FromFolder(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        return new TrainingDataSource(Path.GetFullPath(folder), null, null, null);
    }

    /// <summary>
    /// Episodes that <paramref name="generator"/> rolls out under <paramref name="generation"/> into the run's
    /// <see cref="GeneratedFolderName"/> folder; a folder an earlier call generated with the same settings is read again.
    /// </summary>
    /// <param name="generator">The environment and its exploration policy (one environment is made at once, to learn its name).</param>
    /// <param name="generation">Episodes, steps and seeds.</param>
    public static TrainingDataSource Generate(EpisodeGenerator generator, EpisodeGenerationConfig generation)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(generation);
        return new TrainingDataSource(null, generator, generation, generator.EnvironmentName());
    }

    /// <summary>The episodes an earlier call generated into the run's <see cref="GeneratedFolderName"/> folder, for a resume.</summary>
    public static TrainingDataSource RunData { get; } = new(null, null, null, null);

    /// <summary>The episodes an earlier call generated from <paramref name="envId"/> into the run's folder, for a resume: read as they are.</summary>
    public static TrainingDataSource ResumedGeneration(string envId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(envId);
        return new TrainingDataSource(null, null, null, envId);
    }

    /// <summary>The data set folder, for <see cref="FromFolder"/>.</summary>
    public string? Folder { get; }

    /// <summary>The generator, for <see cref="Generate"/>.</summary>
    public EpisodeGenerator? Generator { get; }

    /// <summary>What to generate, for <see cref="Generate"/>.</summary>
    public EpisodeGenerationConfig? Generation { get; }

    /// <summary>The environment's name as the data set records it (<see cref="EpisodeGenerator.EnvironmentName"/>), for <see cref="Generate"/> and <see cref="ResumedGeneration"/>.</summary>
    public string? EnvId { get; }

    /// <summary>The folder generated episodes of the run in <paramref name="outFolder"/> live in.</summary>
    public static string GeneratedFolder(string outFolder) => Path.Combine(Path.GetFullPath(outFolder), GeneratedFolderName);

    /// <summary>Whether <see cref="Open"/> will roll out episodes (a new run whose generated folder does not exist yet).</summary>
    public bool WillGenerate(string outFolder, bool resume) => Generator is not null && !resume && !Directory.Exists(GeneratedFolder(outFolder));

    /// <summary>
    /// The data set for the run in <paramref name="outFolder"/>: the folder, the generated one (generated first when it
    /// does not exist; an interrupted generation continues), or the one an earlier call generated.
    /// </summary>
    /// <param name="outFolder">The run's output folder.</param>
    /// <param name="resume">Whether the run resumes: a generated folder is then read as it is, unchecked against the settings.</param>
    /// <param name="progress">Told after each generated episode.</param>
    /// <param name="cancellationToken">Checked before each generated episode.</param>
    /// <exception cref="IOException">The generated folder holds a data set made with other settings, or a resume without a
    /// folder finds no generated data.</exception>
    public EpisodeDataset Open(string outFolder, bool resume, IProgress<EpisodeGenerationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (Folder is not null) return EpisodeDataset.Open(Folder);
        string folder = GeneratedFolder(outFolder);
        if (Generator is null)
        {
            if (EnvId is null && !Directory.Exists(folder))
                throw new IOException($"The run at {Path.GetFullPath(outFolder)} has no generated data folder ({GeneratedFolderName}/): it trained on a data folder, so give that again with --data <folder>.");
            return EpisodeDataset.Open(folder);
        }
        if (resume || Directory.Exists(folder))
        {
            var existing = EpisodeDataset.Open(folder);
            if (!resume) CheckGeneratedWith(existing);
            return existing;
        }
        return Generator.Generate(Generation!, folder, progress, resume: true, cancellationToken);
    }

    void CheckGeneratedWith(EpisodeDataset dataset)
    {
        var metadata = dataset.Info.Metadata;
        var generation = Generation!;
        bool same = (string?)metadata["env"] == EnvId && Number(metadata["episodes"]) == generation.Episodes
            && Number(metadata["steps_per_episode"]) == generation.StepsPerEpisode && Number(metadata["base_seed"]) == generation.BaseSeed;
        if (!same)
            throw new IOException(
                $"{dataset.Folder} already holds a data set made with other settings ({metadata.ToJsonString()}), not {generation.Episodes} {EnvId} episodes of " +
                $"{generation.StepsPerEpisode} steps with seed {generation.BaseSeed}; nothing was changed. Choose another --out, or pass --data {dataset.Folder} to train on it.");
    }

    static long? Number(JsonNode? node) => node is JsonValue value && value.TryGetValue(out long number) ? number : null;
}
