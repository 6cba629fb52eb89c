using PanGym.Gym;
using PanGym.Planning;

namespace PanGym.Tests.Planning;

public sealed class MppiPlannerTests
{
    static readonly string[] Candidates = ["a", "b", "c", "d", "e", "f"];

    /// <summary>A toy model with a known reward: one point per step that matches a hidden target, 10 more when all do. It records what it scores.</summary>
    sealed class MatchTarget(string[] target) : IPlanningModel
    {
        public string[] Target { get; set; } = target;
        public List<IReadOnlyList<IReadOnlyList<string>>> Batches { get; } = [];
        public Func<IReadOnlyList<string>, double>? Override { get; init; }

        public void Begin(Image observation, IReadOnlyDictionary<string, object?> info) { }

        public void Advance(string action, Image observation, IReadOnlyDictionary<string, object?> info) { }

        public RolloutScores Score(IReadOnlyList<IReadOnlyList<string>> sequences)
        {
            Batches.Add(sequences);
            return new RolloutScores(sequences.Select(s =>
            {
                if (Override is not null) return Override(s);
                int hits = s.Zip(Target).Count(p => p.First == p.Second);
                return hits + (hits == Target.Length ? 10.0 : 0.0);
            }).ToArray(), sequences.Sum(s => s.Count));
        }
    }

    [Fact]
    public void Mppi_finds_the_best_sequence_of_a_toy_model_with_a_known_reward()
    {
        // 6^6 = 46,656 sequences; MPPI scores 6 × 64 of them.
        var model = new MatchTarget(["c", "f", "a", "a", "e", "b"]);
        var planner = new MppiPlanner(new MppiConfig(horizon: 6, population: 64, iterations: 6, temperature: 0.5, seed: 1));

        var plan = planner.Plan(model, Candidates);

        Assert.Equal(model.Target, plan.Actions);
        Assert.Equal(16.0, plan.Return);
        Assert.Equal(6, model.Batches.Count);
        Assert.Equal(6 * 64, plan.SequencesScored);
        var distribution = planner.Distribution!;
        for (int t = 0; t < 6; t++)
        {
            Assert.Equal(1.0, distribution[t].Sum(), 9);
            Assert.True(distribution[t][Array.IndexOf(Candidates, model.Target[t])] > 0.9, $"step {t}: {string.Join(", ", distribution[t])}");
        }
    }

    [Fact]
    public void Mppi_plans_the_same_under_the_same_seed_and_differently_under_another()
    {
        var target = new[] { "c", "f", "a", "a" };
        PlanResult Run(int seed, out MatchTarget model)
        {
            model = new MatchTarget(target);
            return new MppiPlanner(new MppiConfig(horizon: 4, population: 16, iterations: 2, seed: seed)).Plan(model, Candidates);
        }

        var first = Run(7, out var firstModel);
        var again = Run(7, out var againModel);
        Run(8, out var otherModel);

        Assert.Equal(first.Actions, again.Actions);
        Assert.Equal(first.Return, again.Return);
        Assert.Equal(Flatten(firstModel), Flatten(againModel));
        Assert.NotEqual(Flatten(firstModel), Flatten(otherModel));
    }

    [Fact]
    public void Reset_restarts_the_draws_from_the_seed()
    {
        var planner = new MppiPlanner(new MppiConfig(horizon: 3, population: 8, iterations: 2, seed: 3));
        var first = new MatchTarget(["a", "b", "c"]);
        planner.Plan(first, Candidates);
        planner.Reset();
        Assert.Null(planner.Distribution);
        var second = new MatchTarget(["a", "b", "c"]);
        planner.Plan(second, Candidates);
        Assert.Equal(Flatten(first), Flatten(second));
    }

    [Fact]
    public void The_warm_start_shifts_the_previous_plan_and_distribution_by_one_step()
    {
        var planner = new MppiPlanner(new MppiConfig(horizon: 4, population: 2, iterations: 1, alpha: 0, warmStartWeight: 1, seed: 2));
        var first = planner.Plan(new MatchTarget(["c", "f", "a", "a"]), Candidates).Actions;
        var before = planner.Distribution!.Select(step => step.ToArray()).ToArray();

        var next = new MatchTarget([.. first.Skip(1), "d"]);
        var shifted = planner.Plan(next, Candidates);

        // The first sequence of the next decision is the previous plan shifted, with one new action at the end.
        Assert.Equal(first.Skip(1), next.Batches[0][0].Take(3));
        Assert.Equal(first.Skip(1), shifted.Actions.Take(3));
        Assert.True(shifted.Return >= 3);
        // With α = 0 and the whole weight on the shifted distribution, its other draw takes only actions the last decision weighted one step later.
        var drawn = next.Batches[0][1];
        for (int t = 0; t < 3; t++) Assert.True(before[t + 1][Array.IndexOf(Candidates, drawn[t])] > 0, $"step {t} drew {drawn[t]}, which had no probability");

    }

    [Fact]
    public void Each_draw_weighs_exp_of_its_return_above_the_best_over_the_temperature()
    {
        var weights = MppiPlanner.Weights([1.0, 0.0, -1.0], [0, 1, 2], temperature: 1.0);
        double total = 1 + Math.Exp(-1) + Math.Exp(-2);
        Assert.Equal(1 / total, weights[0], 12);
        Assert.Equal(Math.Exp(-1) / total, weights[1], 12);
        Assert.Equal(Math.Exp(-2) / total, weights[2], 12);

        // One elite and no smoothing: the distribution becomes the best draw's one-hot.
        var model = new MatchTarget(["c", "f", "a"]);
        var planner = new MppiPlanner(new MppiConfig(horizon: 3, population: 8, iterations: 1, elites: 1, alpha: 0, seed: 4));
        var plan = planner.Plan(model, Candidates);
        for (int t = 0; t < 3; t++)
            Assert.Equal(Candidates.Select(c => c == plan.Actions[t] ? 1.0 : 0.0), planner.Distribution![t]);
    }

    [Fact]
    public void The_presets_validate_and_carry_the_papers_numbers()
    {
        var tdMpc2 = MppiConfig.TdMpc2;
        Assert.Equal((3, 512, 6, 2.0, (int?)64, 0.0, true), (tdMpc2.Horizon, tdMpc2.Population, tdMpc2.Iterations, tdMpc2.Temperature, tdMpc2.Elites, tdMpc2.Alpha, tdMpc2.WarmStart));
        var planet = CemConfig.PlaNet;
        Assert.Equal((12, 1000, 100, 10, 0.0, false), (planet.Horizon, planet.Population, planet.EliteCount, planet.Iterations, planet.Alpha, planet.WarmStart));
        var cemTdMpc2 = CemConfig.TdMpc2;
        Assert.Equal((3, 512, 64, 6), (cemTdMpc2.Horizon, cemTdMpc2.Population, cemTdMpc2.EliteCount, cemTdMpc2.Iterations));
        var mppiPlanet = MppiConfig.PlaNet;
        Assert.Equal((12, 1000, 10, 1000), (mppiPlanet.Horizon, mppiPlanet.Population, mppiPlanet.Iterations, mppiPlanet.WeightedCount));
        Assert.Equal((12, 10_000), (RandomShootingConfig.PlaNet.Horizon, RandomShootingConfig.PlaNet.Population));
        Assert.Equal((3, 512 * 6), (RandomShootingConfig.TdMpc2.Horizon, RandomShootingConfig.TdMpc2.Population));
        var defaults = MppiConfig.Default;
        Assert.Equal((CemConfig.Default.Horizon, CemConfig.Default.Population, CemConfig.Default.Iterations), (defaults.Horizon, defaults.Population, defaults.Iterations));
        Assert.Equal((0.1, (int?)null, 32), (defaults.Temperature, defaults.Elites, defaults.WeightedCount));
    }

    [Theory]
    [InlineData("temperature", 0.0, null, 32, 3, 0.1, 0.5)]
    [InlineData("temperature", double.NaN, null, 32, 3, 0.1, 0.5)]
    [InlineData("temperature", double.PositiveInfinity, null, 32, 3, 0.1, 0.5)]
    [InlineData("elites", 0.1, 0, 32, 3, 0.1, 0.5)]
    [InlineData("elites", 0.1, 33, 32, 3, 0.1, 0.5)]
    [InlineData("population", 0.1, null, 1, 3, 0.1, 0.5)]
    [InlineData("iterations", 0.1, null, 32, 0, 0.1, 0.5)]
    [InlineData("alpha", 0.1, null, 32, 3, 1.0, 0.5)]
    [InlineData("warmStartWeight", 0.1, null, 32, 3, 0.1, 1.5)]
    public void Bad_settings_are_refused_with_a_message_that_names_them(string parameter, double temperature, int? elites, int population, int iterations, double alpha, double warmStartWeight)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            new MppiConfig(population: population, iterations: iterations, temperature: temperature, elites: elites, alpha: alpha, warmStartWeight: warmStartWeight));
        Assert.Equal(parameter, error.ParamName);
        Assert.Contains(parameter, error.Message);
        Assert.Contains("horizon", Assert.Throws<ArgumentOutOfRangeException>(() => new MppiConfig(horizon: 0)).Message);
    }

    [Fact]
    public void A_non_finite_return_or_an_empty_candidate_list_is_refused_with_a_clear_message()
    {
        var model = new MatchTarget(["a"]) { Override = s => s[0] == "b" ? double.NaN : 0 };
        var error = Assert.Throws<InvalidOperationException>(() => new MppiPlanner(new MppiConfig(horizon: 1, population: 60)).Plan(model, Candidates));
        Assert.Contains("the return NaN for the sequence [b]", error.Message);
        Assert.Contains("candidate action list is empty", Assert.Throws<ArgumentException>(() => new MppiPlanner().Plan(model, [])).Message);
    }

    static string[] Flatten(MatchTarget model) => [.. model.Batches.SelectMany(batch => batch.Select(s => string.Join(",", s)))];
}
