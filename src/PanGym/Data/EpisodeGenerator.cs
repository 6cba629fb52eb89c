using System.Text.Json.Nodes;
using PanGym.Gym;
using PanGym.Gym.Spaces;

namespace PanGym.Data;

/// <summary>
/// Rolls out an environment with a seeded <see cref="IExplorationPolicy"/> and writes the episodes as a data set
/// (<see cref="EpisodeDatasetWriter"/>): the ground-truth environments' triples (o_t, a_t, o_{t+1}) for training and
/// validating a world model. Every episode comes from its own reset seed (see <see cref="EpisodeGenerationConfig"/>),
/// and the policy draws from a generator seeded by the episode's seed too, so the base seed fixes the data set bit
/// for bit.
/// </summary>
/// <remarks>
/// Dataset metadata records the environment, the policy and the configuration; each episode's provenance records its
/// <c>seed</c>, its <c>goal</c> (when the environment reports one in <c>info["goal"]</c>) and
/// <c>terminated_at_step</c> (the first step that terminated it, or null). An interrupted run continues with
/// <c>resume: true</c> after its last complete episode.
/// </remarks>
/// <param name="envFactory">Makes the environment (observations must come from an <see cref="ImageSpace"/>); it is disposed afterwards.</param>
/// <param name="policyFactory">Makes the exploration policy for that environment.</param>
public sealed class EpisodeGenerator(Func<Env<Image, string>> envFactory, Func<Env<Image, string>, IExplorationPolicy> policyFactory)
{
    readonly Func<Env<Image, string>> _envFactory = envFactory ?? throw new ArgumentNullException(nameof(envFactory));
    readonly Func<Env<Image, string>, IExplorationPolicy> _policyFactory = policyFactory ?? throw new ArgumentNullException(nameof(policyFactory));

    /// <summary><see cref="Generate"/> on a worker thread.</summary>
    public Task<EpisodeDataset> GenerateAsync(EpisodeGenerationConfig config, string folder, IProgress<EpisodeGenerationProgress>? progress = null,
                                              bool resume = false, CancellationToken cancellationToken = default) =>
        Task.Run(() => Generate(config, folder, progress, resume, cancellationToken), cancellationToken);

    /// <summary>
    /// Generates the data set described by <paramref name="config"/> into <paramref name="folder"/> and returns it,
    /// opened. Cancelling leaves the finished episodes staged for <paramref name="resume"/>.
    /// </summary>
    /// <param name="config">Episodes, steps, seeds and split.</param>
    /// <param name="folder">The new data set's folder (see <see cref="EpisodeDatasetWriter"/>).</param>
    /// <param name="progress">Told after each episode.</param>
    /// <param name="resume">Continue an interrupted run of the same configuration.</param>
    /// <param name="cancellationToken">Checked before each episode.</param>
    /// <exception cref="EpisodeDatasetException">The folder is in the way, or the staged run differs from this one.</exception>
    public EpisodeDataset Generate(EpisodeGenerationConfig config, string folder, IProgress<EpisodeGenerationProgress>? progress = null,
                                   bool resume = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        using var env = _envFactory() ?? throw new InvalidOperationException("The environment factory returned null.");
        var policy = _policyFactory(env) ?? throw new InvalidOperationException("The policy factory returned null.");
        if (env.ObservationSpace is not ImageSpace space)
            throw new ArgumentException($"{env} observes {env.ObservationSpace}, not RGB frames (an ImageSpace): it cannot make an episode data set.", nameof(envFactory));
        string envName = NameOf(env);
        var info = new EpisodeDatasetInfo(space.Height, space.Width, $"env:{envName}", Metadata(config, envName, policy));
        using var writer = new EpisodeDatasetWriter(folder, info, resume);
        var written = writer.Episodes;
        for (int i = 0; i < written.Count; i++) CheckResumed(written[i], config.EpisodeSeed(i).Seed, writer.StagingFolder);
        long steps = written.Sum(e => (long)e.Steps);
        for (int i = written.Count; i < config.Episodes; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (seed, split) = config.EpisodeSeed(i);
            var (frames, actions, provenance) = Rollout(env, policy, seed, config);
            var record = writer.WriteEpisode(frames, actions, split, provenance);
            steps += record.Steps;
            progress?.Report(new EpisodeGenerationProgress(i + 1, config.Episodes, steps, record));
        }
        return writer.Complete();
    }

    /// <summary>
    /// The environment's name as a data set's metadata records it (<c>"env"</c>): its registered id (<c>ShapesWorld-v0</c>)
    /// or, made by hand, its type's name. Makes one environment to ask, and disposes it.
    /// </summary>
    public string EnvironmentName()
    {
        using var env = _envFactory() ?? throw new InvalidOperationException("The environment factory returned null.");
        return NameOf(env);
    }

    static string NameOf(Env<Image, string> env) => env.Spec?.Id ?? env.Unwrapped.GetType().Name;

    /// <summary>The seed of the policy's generator in the episode reset with <paramref name="episodeSeed"/>: a fixed mix, so its draws differ from the environment's.</summary>
    public static int PolicySeed(int episodeSeed) => (int)(unchecked((uint)episodeSeed * 2654435761u + 0x9E3779B9u) >> 1);

    static (List<Image> Frames, List<string> Actions, JsonObject Provenance) Rollout(
        Env<Image, string> env, IExplorationPolicy policy, int seed, EpisodeGenerationConfig config)
    {
        var (observation, info) = env.Reset(seed);
        policy.BeginEpisode();
        var random = new Random(PolicySeed(seed));
        var frames = new List<Image>(config.StepsPerEpisode + 1) { observation };
        var actions = new List<string>(config.StepsPerEpisode);
        var provenance = new JsonObject { ["seed"] = seed };
        if (info.GetValueOrDefault("goal") is string goal) provenance["goal"] = goal;
        int? terminatedAt = null;
        while (actions.Count < config.StepsPerEpisode)
        {
            string action = policy.Act(observation, info, random);
            var step = env.Step(action);
            actions.Add(action);
            frames.Add(step.Observation);
            (observation, info) = (step.Observation, step.Info);
            if (step.Terminated) terminatedAt ??= actions.Count;
            if (step.Truncated || step.Terminated && config.StopAtTermination) break;
        }
        provenance["terminated_at_step"] = terminatedAt;
        return (frames, actions, provenance);
    }

    static JsonObject Metadata(EpisodeGenerationConfig config, string envName, IExplorationPolicy policy) => new()
    {
        ["generator"] = typeof(EpisodeGenerator).FullName,
        ["env"] = envName,
        ["policy"] = policy.Name,
        ["base_seed"] = config.BaseSeed,
        ["episodes"] = config.Episodes,
        ["steps_per_episode"] = config.StepsPerEpisode,
        ["validation_fraction"] = config.ValidationFraction,
        ["validation_seed_offset"] = EpisodeGenerationConfig.ValidationSeedOffset,
        ["stop_at_termination"] = config.StopAtTermination,
    };

    static void CheckResumed(EpisodeRecord episode, int expectedSeed, string stagingFolder)
    {
        int? seed = episode.Provenance["seed"] is JsonValue value && value.TryGetValue(out int s) ? s : null;
        if (seed != expectedSeed)
            throw new EpisodeDatasetException(stagingFolder,
                $"The staged episode {episode.Id} in {stagingFolder} was generated with seed {seed?.ToString() ?? "(none)"}, but this run gives it seed {expectedSeed}; delete the staging folder to start over.");
    }
}
