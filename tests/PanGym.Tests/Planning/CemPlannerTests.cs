using PanGym.Gym;
using PanGym.Planning;

namespace PanGym.Tests.Planning;

public sealed class CemPlannerTests
{
    static readonly string[] Candidates = ["a", "b", "c", "d", "e", "f"];

    /// <summary>A toy model: a sequence scores one point per step that matches a hidden target, plus a bonus when all do.</summary>
    sealed class MatchTarget(string[] target) : IPlanningModel
    {
        public string[] Target { get; set; } = target;
        public int Calls { get; private set; }

        public void Begin(Image observation, IReadOnlyDictionary<string, object?> info) { }

        public void Advance(string action, Image observation, IReadOnlyDictionary<string, object?> info) { }

        public RolloutScores Score(IReadOnlyList<IReadOnlyList<string>> sequences)
        {
            Calls++;
            return new RolloutScores(sequences.Select(s =>
            {
                int hits = s.Zip(Target).Count(p => p.First == p.Second);
                return hits + (hits == Target.Length ? 10.0 : 0.0);
            }).ToArray(), sequences.Sum(s => s.Count));
        }
    }

    [Fact]
    public void Cem_finds_the_optimum_of_a_toy_scoring_function()
    {
        // 6^6 = 46,656 sequences; CEM scores 5 × 64 of them.
        var model = new MatchTarget(["c", "f", "a", "a", "e", "b"]);
        var planner = new CemPlanner(new CemConfig(horizon: 6, population: 64, iterations: 5, seed: 1));

        var plan = planner.Plan(model, Candidates);

        Assert.Equal(model.Target, plan.Actions);
        Assert.Equal(16.0, plan.Return);
        Assert.Equal(5, model.Calls);
        Assert.Equal(5 * 64, plan.SequencesScored);
        var distribution = planner.Distribution!;
        for (int t = 0; t < 6; t++) Assert.True(distribution[t][Array.IndexOf(Candidates, model.Target[t])] > 0.9);
    }

    [Fact]
    public void Random_shooting_at_the_same_budget_scores_below_cem()
    {
        var target = new[] { "c", "f", "a", "a", "e", "b" };
        var cem = new CemPlanner(new CemConfig(horizon: 6, population: 64, iterations: 5, seed: 1)).Plan(new MatchTarget(target), Candidates);
        var random = new RandomShootingPlanner(new RandomShootingConfig(horizon: 6, population: 320, seed: 1)).Plan(new MatchTarget(target), Candidates);
        Assert.Equal(320, random.SequencesScored);
        Assert.True(random.Return < cem.Return, $"random shooting {random.Return} vs CEM {cem.Return}");
    }

    [Fact]
    public void The_warm_start_carries_the_previous_plan_shifted_by_one_step()
    {
        // One draw of two sequences and no refit: whatever the first decision picks, the next decision, whose world wants
        // the rest of that plan, can only match it through the carried, shifted plan.
        var planner = new CemPlanner(new CemConfig(horizon: 4, population: 2, iterations: 1, seed: 2));
        var first = planner.Plan(new MatchTarget(["c", "f", "a", "a"]), Candidates).Actions;

        var shifted = planner.Plan(new MatchTarget([.. first.Skip(1), "d"]), Candidates);

        Assert.Equal(first.Skip(1), shifted.Actions.Take(3));
        Assert.True(shifted.Return >= 3);
        planner.Reset();
        Assert.Null(planner.Distribution);
    }

    [Fact]
    public void Config_validates_and_documents_its_defaults()
    {
        var defaults = CemConfig.Default;
        Assert.Equal((3, 32, 0.1, 3, 0.1, true), (defaults.Horizon, defaults.Population, defaults.EliteFraction, defaults.Iterations, defaults.Alpha, defaults.WarmStart));
        Assert.Equal(4, defaults.EliteCount);
        Assert.Equal(defaults.Population * defaults.Iterations, RandomShootingConfig.Default.Population);
        Assert.Contains("eliteFraction", Assert.Throws<ArgumentOutOfRangeException>(() => new CemConfig(eliteFraction: 0)).Message);
        Assert.Contains("alpha", Assert.Throws<ArgumentOutOfRangeException>(() => new CemConfig(alpha: 1)).Message);
        Assert.Contains("horizon", Assert.Throws<ArgumentOutOfRangeException>(() => new RandomShootingConfig(horizon: 0)).Message);
    }

    [Fact]
    public void An_empty_candidate_list_is_refused()
    {
        var model = new MatchTarget(["a"]);
        Assert.Contains("candidate action list is empty", Assert.Throws<ArgumentException>(() => new CemPlanner().Plan(model, [])).Message);
        Assert.Contains("candidate action list is empty", Assert.Throws<ArgumentException>(() => new RandomShootingPlanner().Plan(model, [])).Message);
        Assert.Contains("candidate action list is empty", Assert.Throws<ArgumentException>(() => new MpcAgent(model, new CemPlanner(), [])).Message);
        Assert.Contains("candidate action list is empty", Assert.Throws<ArgumentException>(() => new RandomTextPolicy([])).Message);
    }
}
