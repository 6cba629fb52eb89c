namespace PanGym.Data;

/// <summary>
/// How <see cref="EpisodeGenerator"/> rolls out a data set. One base seed fixes everything: training episode i is
/// reset with seed <see cref="BaseSeed"/> + i, validation episode j with <see cref="BaseSeed"/> +
/// <see cref="ValidationSeedOffset"/> + j, so the splits never share a start and a larger data set with the same base
/// seed extends a smaller one.
/// </summary>
public sealed record EpisodeGenerationConfig
{
    /// <summary>Validation seeds start this far above the base seed; at most this many training episodes keep the ranges disjoint.</summary>
    public const int ValidationSeedOffset = 1_000_000;

    /// <summary>A configuration.</summary>
    /// <param name="episodes">Episodes in all (train and validation together), at least 1.</param>
    /// <param name="stepsPerEpisode">Actions per episode (T; each episode stores T + 1 frames), at least 1.</param>
    /// <param name="baseSeed">Non-negative seed that fixes the data set.</param>
    /// <param name="validationFraction">Share of the episodes held out for validation, in [0, 1); rounded to whole episodes.</param>
    /// <param name="stopAtTermination">
    /// End an episode early when a step terminates it (the goal is reached). Off by default: the ground-truth
    /// environments keep simulating past the goal, and a world model learns dynamics, not the task, so every episode
    /// has the same length. An episode always ends early when a step truncates it (a time limit).
    /// </param>
    public EpisodeGenerationConfig(int episodes, int stepsPerEpisode, int baseSeed = 0, double validationFraction = 0.1, bool stopAtTermination = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(episodes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(stepsPerEpisode, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(baseSeed);
        if (!(validationFraction >= 0 && validationFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "The validation fraction must lie in [0, 1).");
        int validation = (int)Math.Round(episodes * validationFraction, MidpointRounding.AwayFromZero);
        if (validation == episodes) validation = episodes - 1;
        int train = episodes - validation;
        if (train > ValidationSeedOffset)
            throw new ArgumentOutOfRangeException(nameof(episodes), episodes, $"At most {ValidationSeedOffset} training episodes keep the training seeds below the validation seeds.");
        if ((long)baseSeed + ValidationSeedOffset + validation > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(baseSeed), baseSeed, $"The base seed is too large: validation seeds would pass {int.MaxValue}.");
        (Episodes, StepsPerEpisode, BaseSeed, ValidationFraction, StopAtTermination) = (episodes, stepsPerEpisode, baseSeed, validationFraction, stopAtTermination);
        (TrainEpisodes, ValidationEpisodes) = (train, validation);
    }

    /// <summary>Episodes in all.</summary>
    public int Episodes { get; }

    /// <summary>Actions per episode.</summary>
    public int StepsPerEpisode { get; }

    /// <summary>The seed that fixes the data set.</summary>
    public int BaseSeed { get; }

    /// <summary>Share of the episodes held out for validation.</summary>
    public double ValidationFraction { get; }

    /// <summary>Whether an episode ends when the goal is reached.</summary>
    public bool StopAtTermination { get; }

    /// <summary>Training episodes: <see cref="Episodes"/> − <see cref="ValidationEpisodes"/>.</summary>
    public int TrainEpisodes { get; }

    /// <summary>Validation episodes: round(<see cref="Episodes"/> · <see cref="ValidationFraction"/>), leaving at least one training episode.</summary>
    public int ValidationEpisodes { get; }

    /// <summary>
    /// The reset seed and split of episode <paramref name="index"/> in writing order: the training episodes first,
    /// then the validation episodes.
    /// </summary>
    public (int Seed, EpisodeSplit Split) EpisodeSeed(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Episodes);
        return index < TrainEpisodes
            ? (BaseSeed + index, EpisodeSplit.Train)
            : (BaseSeed + ValidationSeedOffset + index - TrainEpisodes, EpisodeSplit.Validation);
    }
}
