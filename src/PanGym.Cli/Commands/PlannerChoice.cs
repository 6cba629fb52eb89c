using System.Globalization;
using PanGym.Planning;

namespace PanGym.Cli.Commands;

/// <summary>
/// <c>pangym plan</c>'s planner options: <c>--planner cem|mppi|random</c> at a budget (<c>--budget default|planet|tdmpc2</c>:
/// the configs' <c>Default</c>, <c>PlaNet</c> and <c>TdMpc2</c> presets), with single settings overridden by their own options.
/// </summary>
internal static class PlannerChoice
{
    static readonly CultureInfo _invariant = CultureInfo.InvariantCulture;

    /// <summary>The planner names <c>--planner</c> takes.</summary>
    public static IReadOnlyList<string> Planners { get; } = ["cem", "mppi", "random"];

    /// <summary>The budget names <c>--budget</c> takes.</summary>
    public static IReadOnlyList<string> Budgets { get; } = ["default", "planet", "tdmpc2"];

    /// <summary>Makes fresh planners of the chosen kind and budget, each setting given overriding the budget's.</summary>
    /// <exception cref="ArgumentException">An unknown name, or a setting the planner does not take.</exception>
    public static Func<IPlanner> Factory(string name, string budget, int? horizon, int? population, int? iterations, double? eliteFraction, double? alpha,
        double? temperature, int seed)
    {
        if (!Planners.Contains(name)) throw new ArgumentException($"--planner must be cem, mppi or random, got \"{name}\".");
        if (!Budgets.Contains(budget)) throw new ArgumentException($"--budget must be default, planet (PlaNet's 1,000 × 10 × horizon 12) or tdmpc2 (TD-MPC2's 512 × 6 × horizon 3), got \"{budget}\".");
        if (name == "random")
        {
            if (iterations is not null || eliteFraction is not null || alpha is not null || temperature is not null)
                throw new ArgumentException("--iterations, --elite-fraction, --alpha and --temperature are CEM and MPPI settings; random shooting takes --horizon and --population.");
            var random = budget switch { "planet" => RandomShootingConfig.PlaNet, "tdmpc2" => RandomShootingConfig.TdMpc2, _ => RandomShootingConfig.Default };
            var config = new RandomShootingConfig(horizon ?? random.Horizon, population ?? random.Population, seed);
            return () => new RandomShootingPlanner(config);
        }
        if (name == "mppi")
        {
            if (eliteFraction is not null) throw new ArgumentException("--elite-fraction is a CEM setting; MPPI weighs its draws by exp((R − max R) / λ): give --temperature.");
            var mppi = budget switch { "planet" => MppiConfig.PlaNet, "tdmpc2" => MppiConfig.TdMpc2, _ => MppiConfig.Default };
            int size = population ?? mppi.Population;
            var config = new MppiConfig(horizon ?? mppi.Horizon, size, iterations ?? mppi.Iterations, temperature ?? mppi.Temperature,
                mppi.Elites is int k ? Math.Min(k, size) : null, alpha ?? mppi.Alpha, mppi.WarmStart, mppi.WarmStartWeight, seed);
            return () => new MppiPlanner(config);
        }
        if (temperature is not null) throw new ArgumentException("--temperature is an MPPI setting; CEM refits to its elites: give --elite-fraction.");
        var cem = budget switch { "planet" => CemConfig.PlaNet, "tdmpc2" => CemConfig.TdMpc2, _ => CemConfig.Default };
        var settings = new CemConfig(horizon ?? cem.Horizon, population ?? cem.Population, eliteFraction ?? cem.EliteFraction, iterations ?? cem.Iterations,
            alpha ?? cem.Alpha, cem.WarmStart, cem.WarmStartWeight, seed);
        return () => new CemPlanner(settings);
    }

    /// <summary>One line of a planner's settings, for the table's heading and plan.json.</summary>
    public static string Describe(IPlanner planner) => planner switch
    {
        CemPlanner cem => $"horizon {cem.Config.Horizon}, population {cem.Config.Population}, {cem.Config.EliteCount} elites, {cem.Config.Iterations} iterations, α {cem.Config.Alpha.ToString(_invariant)}, warm start {cem.Config.WarmStart}",
        MppiPlanner mppi => $"horizon {mppi.Config.Horizon}, population {mppi.Config.Population}, {mppi.Config.Iterations} iterations, λ {mppi.Config.Temperature.ToString(_invariant)}, " +
            $"{(mppi.Config.Elites is int k ? $"best {k} weighted" : "all weighted")}, α {mppi.Config.Alpha.ToString(_invariant)}, warm start {mppi.Config.WarmStart}",
        RandomShootingPlanner random => $"horizon {random.Config.Horizon}, population {random.Config.Population}",
        _ => planner.GetType().Name,
    };
}
