namespace PanGym.Planning;

/// <summary>
/// The cross-entropy method's settings for plans over a candidate action list: a categorical distribution per horizon
/// step, sharpened over <see cref="Iterations"/> rounds towards the elite sequences. Validated once, here.
/// </summary>
/// <remarks>
/// <para>Where the defaults come from. The structure is PlaNet's and MBRL-Lib's: PlaNet (Hafner et al. 2019, "Learning
/// Latent Dynamics for Planning from Pixels", §3) plans 12 steps with 10 iterations of 1,000 candidates refit to the top
/// 100, i.e. an elite fraction of 0.1; MBRL-Lib's <c>CEMOptimizer</c> (Pineda et al. 2021; its PETS configurations)
/// uses an elite ratio of 0.1, 5 iterations, a population of 350–500, smoothing α = 0.1 of the old distribution into
/// the new, and <c>keep_last_solution</c>: the previous solution shifted by one step warm-starts the next decision
/// while the spread starts afresh.</para>
/// <para>Kept from them: elite fraction 0.1, α = 0.1, the shifted warm start (mixed half-and-half with uniform, the
/// categorical form of a warm mean with a fresh spread). Scaled down: a population of 32 over 3 iterations and a horizon
/// of 3, because each imagined step of the small world model is an LLM pass over a whole chat turn (85 tokens) on two CPU
/// cores, and because the dynamics learns from windows of 4 turns (<c>TrainingConfig.WindowSteps</c>): the root's one
/// turn of history (<see cref="WorldModelPlanningModel.DefaultHistory"/>) plus 3 imagined turns stays within what it was
/// trained to read. <c>pangym bench</c> times a decision with these defaults. Re-planning every step with a dense reward
/// (the latent distance to the goal) makes a short look-ahead enough for ShapesWorld.</para>
/// </remarks>
public sealed record CemConfig
{
    /// <summary>Creates and validates settings.</summary>
    /// <param name="horizon">Actions per sequence H (at least 1).</param>
    /// <param name="population">Sequences drawn per iteration (at least 2).</param>
    /// <param name="eliteFraction">Share of the population refit to, in (0, 1]; at least one elite.</param>
    /// <param name="iterations">Rounds of draw, score, refit (at least 1).</param>
    /// <param name="alpha">Smoothing α in [0, 1): the new distribution is α · old + (1 − α) · elite frequencies.</param>
    /// <param name="warmStart">Start each decision from the previous one's distribution shifted by one step.</param>
    /// <param name="warmStartWeight">Weight of the shifted distribution against uniform in a warm start, in [0, 1].</param>
    /// <param name="seed">Seed of the draws.</param>
    public CemConfig(int horizon = 3, int population = 32, double eliteFraction = 0.1, int iterations = 3, double alpha = 0.1,
        bool warmStart = true, double warmStartWeight = 0.5, int seed = 0)
    {
        if (horizon < 1) throw new ArgumentOutOfRangeException(nameof(horizon), horizon, "The horizon must be at least one action.");
        if (population < 2) throw new ArgumentOutOfRangeException(nameof(population), population, "The population must hold at least two sequences.");
        if (!(eliteFraction > 0 && eliteFraction <= 1)) throw new ArgumentOutOfRangeException(nameof(eliteFraction), eliteFraction, "The elite fraction must lie in (0, 1].");
        if (iterations < 1) throw new ArgumentOutOfRangeException(nameof(iterations), iterations, "CEM needs at least one iteration.");
        if (!(alpha >= 0 && alpha < 1)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "The smoothing α must lie in [0, 1).");
        if (!(warmStartWeight >= 0 && warmStartWeight <= 1)) throw new ArgumentOutOfRangeException(nameof(warmStartWeight), warmStartWeight, "The warm-start weight must lie in [0, 1].");
        (Horizon, Population, EliteFraction, Iterations, Alpha, WarmStart, WarmStartWeight, Seed) =
            (horizon, population, eliteFraction, iterations, alpha, warmStart, warmStartWeight, seed);
    }

    /// <summary>Horizon 3, population 32, elite fraction 0.1, 3 iterations, α = 0.1, warm start (see the remarks for where they come from).</summary>
    public static CemConfig Default { get; } = new();

    /// <summary>
    /// PlaNet's planner (Hafner et al. 2019, "Learning Latent Dynamics for Planning from Pixels", §3 and its appendix):
    /// horizon 12, 1,000 candidates, refit to the best 100 (elite fraction 0.1) over 10 iterations, the belief refit
    /// outright (α = 0) and reset at every decision (no warm start).
    /// </summary>
    public static CemConfig PlaNet { get; } = new(horizon: 12, population: 1000, eliteFraction: 0.1, iterations: 10, alpha: 0, warmStart: false);

    /// <summary>
    /// TD-MPC2's planning budget (Hansen et al. 2024, its config.yaml: horizon 3, 512 samples, 6 iterations, 64 elites,
    /// i.e. an elite fraction of 0.125, no momentum) with CEM's refit in place of its weighted one (<see cref="MppiConfig.TdMpc2"/>).
    /// </summary>
    public static CemConfig TdMpc2 { get; } = new(horizon: 3, population: 512, eliteFraction: 0.125, iterations: 6, alpha: 0);

    /// <summary>Actions per sequence H.</summary>
    public int Horizon { get; }

    /// <summary>Sequences drawn per iteration.</summary>
    public int Population { get; }

    /// <summary>Share of the population refit to.</summary>
    public double EliteFraction { get; }

    /// <summary>Elite sequences per iteration: ⌈fraction × population⌉, at least 1.</summary>
    public int EliteCount => Math.Max(1, (int)Math.Ceiling(EliteFraction * Population - 1e-9));

    /// <summary>Rounds of draw, score, refit.</summary>
    public int Iterations { get; }

    /// <summary>Smoothing α: the weight the old distribution keeps.</summary>
    public double Alpha { get; }

    /// <summary>Whether each decision starts from the previous one's shifted distribution.</summary>
    public bool WarmStart { get; }

    /// <summary>Weight of the shifted distribution against uniform in a warm start.</summary>
    public double WarmStartWeight { get; }

    /// <summary>Seed of the draws.</summary>
    public int Seed { get; }
}
