using System.Diagnostics;

namespace PanGym.Planning;

/// <summary>Random shooting: scores <see cref="RandomShootingConfig.Population"/> uniformly drawn action sequences in one batch and keeps the best.</summary>
public sealed class RandomShootingPlanner(RandomShootingConfig? config = null) : IPlanner
{
    Random _random = new((config ?? RandomShootingConfig.Default).Seed);

    /// <summary>The settings.</summary>
    public RandomShootingConfig Config { get; } = config ?? RandomShootingConfig.Default;

    /// <inheritdoc />
    public PlanResult Plan(IPlanningModel model, IReadOnlyList<string> candidates)
    {
        ArgumentNullException.ThrowIfNull(model);
        CemPlanner.CheckCandidates(candidates);
        var clock = Stopwatch.StartNew();
        var sequences = Enumerable.Range(0, Config.Population)
            .Select(_ => (IReadOnlyList<string>)Enumerable.Range(0, Config.Horizon).Select(_ => candidates[_random.Next(candidates.Count)]).ToArray())
            .ToArray();
        var scores = CemPlanner.CheckScores(model.Score(sequences), sequences);
        int best = 0;
        for (int i = 1; i < sequences.Length; i++)
            if (scores.Returns[i] > scores.Returns[best]) best = i;
        return new PlanResult(sequences[best], scores.Returns[best], sequences.Length, scores.ComputedSteps, clock.Elapsed);
    }

    /// <summary>Restarts the draws from the seed, so each episode plans as the first did.</summary>
    public void Reset() => _random = new Random(Config.Seed);
}
