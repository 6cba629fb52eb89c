using System.Diagnostics;

namespace PanGym.Planning;

/// <summary>
/// The cross-entropy method over text actions: a categorical distribution over the candidate list at each of H steps;
/// each iteration draws a population of sequences, scores them in one batch, and refits the distribution to the elite
/// fraction (smoothed by α). The best sequence seen is the plan. With a warm start the next decision begins from this
/// distribution shifted by one step, and its first population holds the shifted best sequence.
/// </summary>
public sealed class CemPlanner(CemConfig? config = null) : IPlanner
{
    Random _random = new((config ?? CemConfig.Default).Seed);
    double[][]? _previous;
    string[]? _previousBest;
    IReadOnlyList<string>? _previousCandidates;

    /// <summary>The settings.</summary>
    public CemConfig Config { get; } = config ?? CemConfig.Default;

    /// <summary>The distribution [H][candidates] after the last decision (null before the first).</summary>
    public IReadOnlyList<IReadOnlyList<double>>? Distribution => _previous;

    /// <inheritdoc />
    public PlanResult Plan(IPlanningModel model, IReadOnlyList<string> candidates)
    {
        ArgumentNullException.ThrowIfNull(model);
        CheckCandidates(candidates);
        var clock = Stopwatch.StartNew();
        int horizon = Config.Horizon, k = candidates.Count;
        var probabilities = Initial(candidates);
        string[]? carried = Config.WarmStart && _previousBest is not null && SameCandidates(candidates) ? Shift(_previousBest, candidates) : null;
        string[] best = [];
        double bestReturn = double.NegativeInfinity;
        int scored = 0, computed = 0;
        for (int iteration = 0; iteration < Config.Iterations; iteration++)
        {
            var indices = new int[Config.Population][];
            for (int i = 0; i < indices.Length; i++)
                indices[i] = i == 0 && carried is not null && iteration == 0
                    ? carried.Select(a => IndexOf(candidates, a)).ToArray()
                    : Enumerable.Range(0, horizon).Select(t => Draw(probabilities[t])).ToArray();
            var sequences = indices.Select(row => (IReadOnlyList<string>)row.Select(i => candidates[i]).ToArray()).ToArray();
            var scores = CheckScores(model.Score(sequences), sequences);
            scored += sequences.Length;
            computed += scores.ComputedSteps;
            // Stable order: ties keep the earlier draw, so a seed fixes the plan.
            var order = Enumerable.Range(0, sequences.Length).OrderByDescending(i => scores.Returns[i]).ToArray();
            if (scores.Returns[order[0]] > bestReturn)
            {
                bestReturn = scores.Returns[order[0]];
                best = [.. sequences[order[0]]];
            }
            var elites = order.Take(Config.EliteCount).ToArray();
            for (int t = 0; t < horizon; t++)
            {
                var counts = new double[k];
                foreach (var e in elites) counts[indices[e][t]] += 1.0 / elites.Length;
                for (int j = 0; j < k; j++) probabilities[t][j] = Config.Alpha * probabilities[t][j] + (1 - Config.Alpha) * counts[j];
            }
        }
        _previous = probabilities;
        _previousBest = best;
        _previousCandidates = candidates.ToArray();
        return new PlanResult(best, bestReturn, scored, computed, clock.Elapsed);
    }

    /// <summary>Forgets the warm start and restarts the draws from the seed.</summary>
    public void Reset()
    {
        _previous = null;
        _previousBest = null;
        _previousCandidates = null;
        _random = new Random(Config.Seed);
    }

    /// <summary>Throws a clear error for a null or empty candidate list.</summary>
    internal static void CheckCandidates(IReadOnlyList<string> candidates)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        if (candidates.Count == 0) throw new ArgumentException("The candidate action list is empty; a planner needs at least one action to choose from.", nameof(candidates));
        if (candidates.Any(c => c is null)) throw new ArgumentException("The candidate action list holds a null action.", nameof(candidates));
    }

    /// <summary>
    /// <paramref name="scores"/>, checked to hold one return per sequence and no NaN: a planner ranks returns, and a NaN
    /// (a reward that returned NaN) would rank anywhere and silently pick arbitrary plans.
    /// </summary>
    internal static RolloutScores CheckScores(RolloutScores scores, IReadOnlyList<IReadOnlyList<string>> sequences)
    {
        ArgumentNullException.ThrowIfNull(scores);
        if (scores.Returns.Length != sequences.Count)
            throw new InvalidOperationException($"The model returned {scores.Returns.Length} returns for {sequences.Count} sequences.");
        int bad = Array.FindIndex(scores.Returns, double.IsNaN);
        if (bad >= 0)
            throw new InvalidOperationException($"The planning model's reward returned NaN: the return of sequence {bad} ({string.Join("; ", sequences[bad])}) " +
                "is NaN, and a planner cannot rank it. Check the reward for a division by zero or NaN inputs.");
        return scores;
    }

    double[][] Initial(IReadOnlyList<string> candidates)
    {
        int k = candidates.Count;
        double uniform = 1.0 / k;
        var fresh = Enumerable.Range(0, Config.Horizon).Select(_ => Enumerable.Repeat(uniform, k).ToArray()).ToArray();
        if (!Config.WarmStart || _previous is null || !SameCandidates(candidates) || _previous.Length != Config.Horizon) return fresh;
        double w = Config.WarmStartWeight;
        for (int t = 0; t + 1 < Config.Horizon; t++)
            for (int j = 0; j < k; j++) fresh[t][j] = w * _previous[t + 1][j] + (1 - w) * uniform;
        return fresh;
    }

    string[] Shift(string[] previous, IReadOnlyList<string> candidates) =>
        [.. previous.Skip(1), candidates[_random.Next(candidates.Count)]];

    bool SameCandidates(IReadOnlyList<string> candidates) =>
        _previousCandidates is not null && _previousCandidates.SequenceEqual(candidates, StringComparer.Ordinal);

    int Draw(double[] probabilities)
    {
        double u = _random.NextDouble(), sum = 0;
        for (int j = 0; j < probabilities.Length; j++)
        {
            sum += probabilities[j];
            if (u < sum) return j;
        }
        return probabilities.Length - 1;
    }

    static int IndexOf(IReadOnlyList<string> candidates, string action)
    {
        for (int i = 0; i < candidates.Count; i++)
            if (candidates[i] == action) return i;
        return 0;
    }
}
