namespace PanGym.Planning;

/// <summary>
/// Model-predictive path integral control's settings for plans over a candidate action list: a categorical distribution
/// per horizon step, moved over <see cref="Iterations"/> rounds towards every drawn sequence in proportion to
/// exp((R − max R) / λ). Validated once, here.
/// </summary>
/// <remarks>
/// <para>Continuous MPPI (Williams et al. 2017, "Information Theoretic MPC for Model-Based Reinforcement Learning";
/// MBRL-Lib's <c>MPPIOptimizer</c>, after PDDM; TorchRL's <c>MPPIPlanner</c>; TD-MPC's and TD-MPC2's planners) keeps a
/// Gaussian mean μ_t per step, draws sequences μ + ε, and sets μ_t to the average of the drawn actions weighted by
/// w_i ∝ exp((R_i − max R) / λ). Over discrete candidates the mean of one-hot actions is the categorical distribution itself,
/// so the same update reads: p_t(a) ← Σ_i w_i [a_{i,t} = a], with the draws from p_t in place of μ + ε. TD-MPC's
/// top-k (<see cref="Elites"/>) weighs only the k best draws; its momentum is <see cref="Alpha"/>; the Gaussian's
/// spread, reset to its maximum at each decision while the mean is shifted, becomes the warm start's mix of the
/// shifted distribution with uniform (<see cref="WarmStartWeight"/>). The plan is the best sequence drawn, the
/// deterministic form of TD-MPC2's draw of an elite by its weight.</para>
/// <para>Defaults: the budget of <see cref="CemConfig.Default"/> (horizon 3, 32 sequences, 3 iterations), all draws
/// weighted, α = 0.1 as in TD-MPC (its momentum 0.1) and CEM here, and λ = 0.1 (PDDM's and MBRL-Lib's reward scaling
/// γ = 1/λ = 10) for returns on the scale of ShapesWorld's probe reward: a step's progress is worth about 0.06, reaching
/// the goal 1.</para>
/// </remarks>
public sealed record MppiConfig
{
    /// <summary>Creates and validates settings.</summary>
    /// <param name="horizon">Actions per sequence H (at least 1).</param>
    /// <param name="population">Sequences drawn per iteration (at least 2).</param>
    /// <param name="iterations">Rounds of draw, score, reweight (at least 1).</param>
    /// <param name="temperature">λ &gt; 0: each draw weighs exp((R − max R) / λ); small λ follows the best draws.</param>
    /// <param name="elites">Weigh only the best k draws (TD-MPC's top-k), 1 to <paramref name="population"/>; null weighs all.</param>
    /// <param name="alpha">Smoothing α in [0, 1): the new distribution is α · old + (1 − α) · weighted frequencies.</param>
    /// <param name="warmStart">Start each decision from the previous one's distribution shifted by one step.</param>
    /// <param name="warmStartWeight">Weight of the shifted distribution against uniform in a warm start, in [0, 1].</param>
    /// <param name="seed">Seed of the draws.</param>
    public MppiConfig(int horizon = 3, int population = 32, int iterations = 3, double temperature = 0.1, int? elites = null, double alpha = 0.1,
        bool warmStart = true, double warmStartWeight = 0.5, int seed = 0)
    {
        if (horizon < 1) throw new ArgumentOutOfRangeException(nameof(horizon), horizon, "The horizon must be at least one action.");
        if (population < 2) throw new ArgumentOutOfRangeException(nameof(population), population, "The population must hold at least two sequences.");
        if (iterations < 1) throw new ArgumentOutOfRangeException(nameof(iterations), iterations, "MPPI needs at least one iteration.");
        if (!(temperature > 0 && double.IsFinite(temperature)))
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "The temperature λ must be a finite number above 0 (weights are exp((R − max R) / λ)).");
        if (elites is int k && (k < 1 || k > population))
            throw new ArgumentOutOfRangeException(nameof(elites), elites, $"The elites must number 1 to the population ({population}), or null to weigh every draw.");
        if (!(alpha >= 0 && alpha < 1)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "The smoothing α must lie in [0, 1).");
        if (!(warmStartWeight >= 0 && warmStartWeight <= 1)) throw new ArgumentOutOfRangeException(nameof(warmStartWeight), warmStartWeight, "The warm-start weight must lie in [0, 1].");
        (Horizon, Population, Iterations, Temperature, Elites, Alpha, WarmStart, WarmStartWeight, Seed) =
            (horizon, population, iterations, temperature, elites, alpha, warmStart, warmStartWeight, seed);
    }

    /// <summary>Horizon 3, 32 sequences, 3 iterations, λ = 0.1, every draw weighted, α = 0.1, warm start (see the remarks).</summary>
    public static MppiConfig Default { get; } = new();

    /// <summary>
    /// TD-MPC2's planner (Hansen et al. 2024, "TD-MPC2: Scalable, Robust World Models for Continuous Control", its
    /// config.yaml): horizon 3, 512 samples, 6 iterations, the 64 best weighted, temperature 0.5 as a multiplier of the
    /// return (λ = 1 / 0.5 = 2), no momentum (α = 0), the previous mean shifted by one step with the spread reset (a warm
    /// start mixed half-and-half with uniform here). Its 24 policy-prior trajectories have no counterpart: PanGym learns no policy.
    /// </summary>
    public static MppiConfig TdMpc2 { get; } = new(horizon: 3, population: 512, iterations: 6, temperature: 2.0, elites: 64, alpha: 0);

    /// <summary>
    /// PlaNet's planning budget (Hafner et al. 2019, §3: 1,000 candidates, 10 iterations, horizon 12) with MPPI's update
    /// and this type's defaults otherwise (PlaNet itself plans with CEM: <see cref="CemConfig.PlaNet"/>).
    /// </summary>
    public static MppiConfig PlaNet { get; } = new(horizon: 12, population: 1000, iterations: 10);

    /// <summary>Actions per sequence H.</summary>
    public int Horizon { get; }

    /// <summary>Sequences drawn per iteration.</summary>
    public int Population { get; }

    /// <summary>Rounds of draw, score, reweight.</summary>
    public int Iterations { get; }

    /// <summary>λ: each draw weighs exp((R − max R) / λ).</summary>
    public double Temperature { get; }

    /// <summary>How many of the best draws are weighted (null: all).</summary>
    public int? Elites { get; }

    /// <summary>Draws weighted per iteration: <see cref="Elites"/>, or the whole population.</summary>
    public int WeightedCount => Elites ?? Population;

    /// <summary>Smoothing α: the weight the old distribution keeps.</summary>
    public double Alpha { get; }

    /// <summary>Whether each decision starts from the previous one's shifted distribution.</summary>
    public bool WarmStart { get; }

    /// <summary>Weight of the shifted distribution against uniform in a warm start.</summary>
    public double WarmStartWeight { get; }

    /// <summary>Seed of the draws.</summary>
    public int Seed { get; }
}
