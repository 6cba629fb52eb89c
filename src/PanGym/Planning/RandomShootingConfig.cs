namespace PanGym.Planning;

/// <summary>
/// Random shooting's settings: draw <see cref="Population"/> sequences of <see cref="Horizon"/> actions uniformly from the
/// candidates, keep the best. Validated once, here.
/// </summary>
/// <remarks>
/// The default spends the same model budget as <see cref="CemConfig.Default"/> (population × iterations), so the two compare
/// at equal cost, as PlaNet's ablation compares its CEM with random shooting (Hafner et al. 2019, §5).
/// </remarks>
public sealed record RandomShootingConfig
{
    /// <summary>Creates and validates settings.</summary>
    /// <param name="horizon">Actions per sequence (at least 1).</param>
    /// <param name="population">Sequences drawn per decision (at least 1).</param>
    /// <param name="seed">Seed of the draws.</param>
    public RandomShootingConfig(int horizon = 3, int population = 96, int seed = 0)
    {
        if (horizon < 1) throw new ArgumentOutOfRangeException(nameof(horizon), horizon, "The horizon must be at least one action.");
        if (population < 1) throw new ArgumentOutOfRangeException(nameof(population), population, "The population must be at least one sequence.");
        (Horizon, Population, Seed) = (horizon, population, seed);
    }

    /// <summary>Horizon 3, 96 sequences: the budget of <see cref="CemConfig.Default"/>.</summary>
    public static RandomShootingConfig Default { get; } = new();

    /// <summary>PlaNet's budget (Hafner et al. 2019, §3): 10 iterations of 1,000 candidates over horizon 12, drawn at once: 10,000 sequences.</summary>
    public static RandomShootingConfig PlaNet { get; } = new(horizon: 12, population: 10_000);

    /// <summary>TD-MPC2's budget (Hansen et al. 2024, its config.yaml): 6 iterations of 512 samples over horizon 3, drawn at once: 3,072 sequences.</summary>
    public static RandomShootingConfig TdMpc2 { get; } = new(horizon: 3, population: 3072);

    /// <summary>Actions per sequence.</summary>
    public int Horizon { get; }

    /// <summary>Sequences drawn per decision.</summary>
    public int Population { get; }

    /// <summary>Seed of the draws.</summary>
    public int Seed { get; }
}
