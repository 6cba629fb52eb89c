namespace PanGym.Evaluation;

/// <summary>
/// What the evaluation measures and how strictly: the held-out episodes (how many, how long, which seeds) and the
/// tolerances of the probe-based scores. Validated once here.
/// </summary>
/// <remarks>
/// Held-out seeds: episode i is reset with <see cref="HeldOutSeedBase"/> + <see cref="Seed"/> + i. Training data
/// (<c>EpisodeGenerator</c>) uses base seed + i for training and base seed + 1,000,000 + j for validation, so the two
/// never meet for base seeds below 1,498,000,000 (and every seed <c>pangym train</c> takes in practice).
/// </remarks>
public sealed record EvaluationConfig
{
    /// <summary>The first held-out reset seed; far above the seeds the training data uses.</summary>
    public const int HeldOutSeedBase = 1_500_000_000;

    /// <summary>The largest <see cref="Seed"/> + <see cref="Episodes"/>, keeping every held-out seed within <see cref="int"/>.</summary>
    public const int MaxSeedSpan = 500_000_000;

    /// <summary>
    /// The longest horizon: an evaluation keeps every episode's true and imagined frames and the model's context for the
    /// rollout, which grow with it, so a horizon beyond this would fill memory rather than measure drift further.
    /// </summary>
    public const int MaxHorizon = 1024;

    /// <summary>A configuration.</summary>
    /// <param name="episodes">Held-out episodes, at least 2 (an interval needs two).</param>
    /// <param name="horizon">H: actions per episode; the one-step scores cover every step, the rollouts run to H.</param>
    /// <param name="seed">Offset into the held-out seed block (and the decoder's noise seed), non-negative.</param>
    /// <param name="relativeTolerance">Action fidelity: an object's probed position may miss the true one by this fraction of its expected displacement.</param>
    /// <param name="stillTolerance">Action fidelity: the least allowed miss in pixels, so that objects expected still may be off by the probe's rounding.</param>
    /// <param name="areaTolerance">Consistency: an object's probed area may differ from the true frame's by this fraction.</param>
    /// <param name="sampleVideos">Rollouts shown as videos beside the truth in the report.</param>
    /// <param name="rolloutTolerance">Rollout action fidelity: the most pixels an imagined object may be from the true one.</param>
    public EvaluationConfig(int episodes = 8, int horizon = 64, int seed = 0, double relativeTolerance = 0.5, double stillTolerance = 0.5,
        double areaTolerance = 0.5, int sampleVideos = 3, double rolloutTolerance = 1.0)
    {
        if (episodes < 2) throw new ArgumentOutOfRangeException(nameof(episodes), episodes, "The evaluation needs at least 2 episodes (a confidence interval needs two).");
        if (horizon < 1 || horizon > MaxHorizon)
            throw new ArgumentOutOfRangeException(nameof(horizon), horizon, $"The horizon must be between 1 and {MaxHorizon} steps; got {horizon}.");
        if (seed < 0 || (long)seed + episodes > MaxSeedSpan)
            throw new ArgumentOutOfRangeException(nameof(seed), seed, $"The seed must lie in [0, {MaxSeedSpan} − episodes].");
        if (!(relativeTolerance > 0 && relativeTolerance < 1))
            throw new ArgumentOutOfRangeException(nameof(relativeTolerance), relativeTolerance, "The relative tolerance must lie in (0, 1): at 1 a frame that did not move would pass.");
        if (!(stillTolerance >= 0 && double.IsFinite(stillTolerance)))
            throw new ArgumentOutOfRangeException(nameof(stillTolerance), stillTolerance, "The still tolerance must be a non-negative number of pixels.");
        if (!(areaTolerance > 0 && areaTolerance < 1))
            throw new ArgumentOutOfRangeException(nameof(areaTolerance), areaTolerance, "The area tolerance must lie in (0, 1).");
        if (!(rolloutTolerance > 0 && double.IsFinite(rolloutTolerance)))
            throw new ArgumentOutOfRangeException(nameof(rolloutTolerance), rolloutTolerance, "The rollout tolerance must be a positive number of pixels.");
        if (sampleVideos < 0) throw new ArgumentOutOfRangeException(nameof(sampleVideos), sampleVideos, "The number of sample videos cannot be negative.");
        (Episodes, Horizon, Seed, RelativeTolerance, StillTolerance, AreaTolerance, SampleVideos, RolloutTolerance) =
            (episodes, horizon, seed, relativeTolerance, stillTolerance, areaTolerance, sampleVideos, rolloutTolerance);
    }

    /// <summary>8 episodes to horizon 64.</summary>
    public static EvaluationConfig Default { get; } = new();

    /// <summary>8 episodes to horizon 32: what the CPU demo reports.</summary>
    public static EvaluationConfig Demo { get; } = new(horizon: 32);

    /// <summary>Held-out episodes.</summary>
    public int Episodes { get; }

    /// <summary>H: actions per episode and the longest rollout.</summary>
    public int Horizon { get; }

    /// <summary>Offset into the held-out seed block, and the decoder's noise seed.</summary>
    public int Seed { get; }

    /// <summary>Allowed miss as a fraction of the expected displacement.</summary>
    public double RelativeTolerance { get; }

    /// <summary>Least allowed miss, in pixels.</summary>
    public double StillTolerance { get; }

    /// <summary>Allowed relative difference of an object's area.</summary>
    public double AreaTolerance { get; }

    /// <summary>Rollout action fidelity's tolerance: the most pixels an imagined object may be from the true one.</summary>
    public double RolloutTolerance { get; }

    /// <summary>Rollouts shown as videos.</summary>
    public int SampleVideos { get; }

    /// <summary>The reset seed of every held-out episode, in order.</summary>
    public IReadOnlyList<int> EpisodeSeeds => [.. Enumerable.Range(0, Episodes).Select(i => HeldOutSeedBase + Seed + i)];

    /// <summary>
    /// How far an object's predicted position may be from the true one when the action moves it by
    /// <paramref name="expectedDistance"/> pixels: max(<see cref="RelativeTolerance"/> · distance, <see cref="StillTolerance"/>).
    /// Within it, the object moved in the right direction (less than 30° off at the default) by roughly the right amount.
    /// </summary>
    public double AllowedMiss(double expectedDistance) => Math.Max(RelativeTolerance * expectedDistance, StillTolerance);
}
