using System.Diagnostics;

namespace PanGym.Planning;

/// <summary>
/// Model-predictive path integral control over text actions (see <see cref="MppiConfig"/> for the mapping from the
/// continuous form): a categorical distribution over the candidates at each of H steps; each iteration draws a population
/// of sequences, scores them in one batch, weighs each (or each of the best k) by exp((R − max R) / λ), and moves every
/// step's distribution to the weighted frequencies of the actions drawn there (smoothed by α). The best sequence seen is
/// the plan. With a warm start the next decision begins from this distribution shifted by one step, and its first
/// population holds the shifted best sequence.
/// </summary>
public sealed class MppiPlanner(MppiConfig? config = null) : IPlanner
{
    Random _random = new((config ?? MppiConfig.Default).Seed);
    double[][]? _previous;
    string[]? _previousBest;
    IReadOnlyList<string>? _previousCandidates;

    /// <summary>The settings.</summary>
    public MppiConfig Config { get; } = config ?? MppiConfig.Default;

    /// <summary>The distribution [H][candidates] after the last decision (null before the first).</summary>
    public IReadOnlyList<IReadOnlyList<double>>? Distribution => _previous;

    /// <inheritdoc />
    public PlanResult Plan(IPlanningModel model, IReadOnlyList<string> candidates)
    {
        ArgumentNullException.ThrowIfNull(model);
        CemPlanner.CheckCandidates(candidates);
        var clock = Stopwatch.StartNew();
        int horizon = Config.Horizon, k = candidates.Count;
        bool warm = Config.WarmStart && SameCandidates(candidates);
        var probabilities = Initial(k, warm);
        int[]? carried = warm && _previousBest is not null ? Shift(_previousBest, candidates) : null;
        int[] best = [];
        double bestReturn = double.NegativeInfinity;
        int scored = 0, computed = 0;
        for (int iteration = 0; iteration < Config.Iterations; iteration++)
        {
            var indices = new int[Config.Population][];
            for (int i = 0; i < indices.Length; i++)
                indices[i] = i == 0 && iteration == 0 && carried is not null ? carried : Draw(probabilities);
            var sequences = indices.Select(row => (IReadOnlyList<string>)row.Select(j => candidates[j]).ToArray()).ToArray();
            var returns = Returns(model, sequences);
            scored += sequences.Length;
            computed += returns.ComputedSteps;
            // Stable order: ties keep the earlier draw, so a seed fixes the plan.
            var order = Enumerable.Range(0, sequences.Length).OrderByDescending(i => returns.Returns[i]).ToArray();
            if (returns.Returns[order[0]] > bestReturn || best.Length == 0)
                (bestReturn, best) = (returns.Returns[order[0]], indices[order[0]]);
            Reweight(probabilities, indices, returns.Returns, order[..Config.WeightedCount]);
        }
        _previous = probabilities;
        _previousBest = [.. best.Select(j => candidates[j])];
        _previousCandidates = candidates.ToArray();
        return new PlanResult(_previousBest, bestReturn, scored, computed, clock.Elapsed);
    }

    /// <summary>Forgets the warm start and restarts the draws from the seed.</summary>
    public void Reset()
    {
        _previous = null;
        _previousBest = null;
        _previousCandidates = null;
        _random = new Random(Config.Seed);
    }

    /// <summary>The weights exp((R − max R) / λ) of <paramref name="weighted"/> (indices into the returns, best first), normalised to sum to 1.</summary>
    internal static double[] Weights(IReadOnlyList<double> returns, IReadOnlyList<int> weighted, double temperature)
    {
        double max = returns[weighted[0]];
        var weights = weighted.Select(i => Math.Exp((returns[i] - max) / temperature)).ToArray();
        double sum = weights.Sum();
        for (int i = 0; i < weights.Length; i++) weights[i] /= sum;
        return weights;
    }

    void Reweight(double[][] probabilities, int[][] indices, IReadOnlyList<double> returns, int[] weighted)
    {
        var weights = Weights(returns, weighted, Config.Temperature);
        for (int t = 0; t < probabilities.Length; t++)
        {
            var frequencies = new double[probabilities[t].Length];
            for (int e = 0; e < weighted.Length; e++) frequencies[indices[weighted[e]][t]] += weights[e];
            for (int j = 0; j < frequencies.Length; j++)
                probabilities[t][j] = Config.Alpha * probabilities[t][j] + (1 - Config.Alpha) * frequencies[j];
        }
    }

    static RolloutScores Returns(IPlanningModel model, IReadOnlyList<IReadOnlyList<string>> sequences)
    {
        var scores = model.Score(sequences);
        if (scores.Returns.Length != sequences.Count)
            throw new InvalidOperationException($"The model returned {scores.Returns.Length} returns for {sequences.Count} sequences.");
        for (int i = 0; i < scores.Returns.Length; i++)
            if (!double.IsFinite(scores.Returns[i]))
                throw new InvalidOperationException($"The model returned the return {scores.Returns[i]} for the sequence [{string.Join("; ", sequences[i])}]; " +
                    "MPPI weighs each sequence by exp((R − max R) / λ), which needs finite returns: check the reward.");
        return scores;
    }

    double[][] Initial(int k, bool warm)
    {
        double uniform = 1.0 / k;
        var fresh = Enumerable.Range(0, Config.Horizon).Select(_ => Enumerable.Repeat(uniform, k).ToArray()).ToArray();
        if (!warm || _previous is null || _previous.Length != Config.Horizon) return fresh;
        double w = Config.WarmStartWeight;
        for (int t = 0; t + 1 < Config.Horizon; t++)
            for (int j = 0; j < k; j++) fresh[t][j] = w * _previous[t + 1][j] + (1 - w) * uniform;
        return fresh;
    }

    int[] Shift(string[] previous, IReadOnlyList<string> candidates) =>
        [.. previous.Skip(1).Select(a => IndexOf(candidates, a)), _random.Next(candidates.Count)];

    bool SameCandidates(IReadOnlyList<string> candidates) =>
        _previousCandidates is not null && _previousCandidates.SequenceEqual(candidates, StringComparer.Ordinal);

    int[] Draw(double[][] probabilities)
    {
        var row = new int[probabilities.Length];
        for (int t = 0; t < row.Length; t++)
        {
            double u = _random.NextDouble(), sum = 0;
            // Rounding can leave u at or above the total: then the last action that has any probability.
            row[t] = Array.FindLastIndex(probabilities[t], p => p > 0);
            for (int j = 0; j < probabilities[t].Length; j++)
            {
                sum += probabilities[t][j];
                if (u < sum && probabilities[t][j] > 0)
                {
                    row[t] = j;
                    break;
                }
            }
        }
        return row;
    }

    static int IndexOf(IReadOnlyList<string> candidates, string action)
    {
        for (int i = 0; i < candidates.Count; i++)
            if (candidates[i] == action) return i;
        return 0;
    }
}
