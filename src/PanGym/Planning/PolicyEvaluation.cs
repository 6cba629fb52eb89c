using MathNet.Numerics.Distributions;
using MathNet.Numerics.Statistics;
using PanGym.Gym;
using PanGym.Imagination;

namespace PanGym.Planning;

/// <summary>
/// Policy evaluation in imagination (PAN §7's planning use of a world model): the same policy runs from the same start
/// states in a <see cref="PanEnv"/> and in the real environment; the report gives both mean returns, their gap and the
/// gap's confidence interval. A small gap means the imagined environment can stand in for the real one when comparing
/// policies of this kind.
/// </summary>
public static class PolicyEvaluation
{
    /// <summary>Runs <paramref name="policy"/> from each seed's start state in imagination and for real.</summary>
    /// <param name="policy">The policy; reset before each episode.</param>
    /// <param name="imagined">The world model's environment; each episode starts at the real start frame.</param>
    /// <param name="real">The real environment; <c>Reset(seed)</c> fixes each start state.</param>
    /// <param name="seeds">One start state per seed (at least one).</param>
    /// <param name="maxSteps">The most steps of each episode (both environments).</param>
    /// <param name="rewardFor">The imagined episode's reward from the real start frame and info (for example the episode's goal);
    /// null for the imagined environment's own.</param>
    /// <param name="confidence">Confidence level of the gap's interval, in (0, 1).</param>
    /// <remarks>
    /// The imagined episode's first action is chosen on the real reset's info (the start is the same state; the imagined
    /// environment's reset info carries only latents), later ones on the imagined environment's info. The imagined
    /// environment is reset with each seed too, so its decoder noise is fixed by it.
    /// </remarks>
    public static PolicyEvaluationResult Run(ITextPolicy policy, PanEnv imagined, Env<Image, string> real, IReadOnlyList<int> seeds, int maxSteps,
        Func<Image, IReadOnlyDictionary<string, object?>, IImaginedReward>? rewardFor = null, double confidence = 0.95)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return Run(_ => policy, imagined, real, seeds, maxSteps, rewardFor, confidence);
    }

    /// <summary>
    /// Runs the policy that <paramref name="policyFor"/> makes for each seed, once in imagination and once for real, each
    /// time freshly made: a stochastic policy (random actions, a sampling planner) then draws the same numbers in both
    /// worlds, so that the paired gap measures the world model, not the policy's own randomness.
    /// </summary>
    /// <param name="policyFor">A fresh policy for an episode from its seed (called twice per seed).</param>
    /// <param name="imagined">The world model's environment; each episode starts at the real start frame.</param>
    /// <param name="real">The real environment; <c>Reset(seed)</c> fixes each start state.</param>
    /// <param name="seeds">One start state per seed (at least one).</param>
    /// <param name="maxSteps">The most steps of each episode (both environments).</param>
    /// <param name="rewardFor">The imagined episode's reward from the real start frame and info; null for the imagined environment's own.</param>
    /// <param name="confidence">Confidence level of the gap's interval, in (0, 1).</param>
    public static PolicyEvaluationResult Run(Func<int, ITextPolicy> policyFor, PanEnv imagined, Env<Image, string> real, IReadOnlyList<int> seeds, int maxSteps,
        Func<Image, IReadOnlyDictionary<string, object?>, IImaginedReward>? rewardFor = null, double confidence = 0.95)
    {
        ArgumentNullException.ThrowIfNull(policyFor);
        ArgumentNullException.ThrowIfNull(imagined);
        ArgumentNullException.ThrowIfNull(real);
        ArgumentNullException.ThrowIfNull(seeds);
        if (seeds.Count == 0) throw new ArgumentException("Give at least one seed (start state) to evaluate from.", nameof(seeds));
        if (maxSteps < 1) throw new ArgumentOutOfRangeException(nameof(maxSteps), maxSteps, "Episodes need at least one step.");
        if (!(confidence > 0 && confidence < 1)) throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "The confidence level must lie in (0, 1).");

        var episodes = new List<EpisodeComparison>();
        foreach (var seed in seeds)
        {
            var (start, startInfo) = real.Reset(seed);
            var startFrame = start.Clone();
            var (realReturn, realSteps, realTerminated) = Episode(policyFor(seed), real, start, startInfo, maxSteps);

            var reward = rewardFor?.Invoke(startFrame, startInfo);
            try
            {
                var (imaginedStart, _) = imagined.Reset(startFrame, seed, reward);
                var (imaginedReturn, imaginedSteps, imaginedTerminated) = Episode(policyFor(seed), imagined, imaginedStart, startInfo, maxSteps);
                episodes.Add(new EpisodeComparison(seed, imaginedReturn, realReturn, imaginedSteps, realSteps, imaginedTerminated, realTerminated));
            }
            finally
            {
                (reward as IDisposable)?.Dispose();
            }
        }
        return Summarise(episodes, confidence);
    }

    /// <summary>Means, the mean gap and its Student-t interval at <paramref name="confidence"/> over <paramref name="episodes"/>.</summary>
    public static PolicyEvaluationResult Summarise(IReadOnlyList<EpisodeComparison> episodes, double confidence = 0.95)
    {
        ArgumentNullException.ThrowIfNull(episodes);
        if (episodes.Count == 0) throw new ArgumentException("No episodes to summarise.", nameof(episodes));
        var gaps = episodes.Select(e => e.Gap).ToArray();
        double mean = gaps.Average();
        double lower = double.NaN, upper = double.NaN;
        if (gaps.Length >= 2)
        {
            double halfWidth = StudentT.InvCDF(0, 1, gaps.Length - 1, 0.5 + confidence / 2) * gaps.StandardDeviation() / Math.Sqrt(gaps.Length);
            (lower, upper) = (mean - halfWidth, mean + halfWidth);
        }
        return new PolicyEvaluationResult(episodes, confidence, episodes.Average(e => e.ImaginedReturn), episodes.Average(e => e.RealReturn), mean, lower, upper);
    }

    static (double Return, int Steps, bool Terminated) Episode(ITextPolicy policy, Env<Image, string> env, Image observation,
        IReadOnlyDictionary<string, object?> info, int maxSteps)
    {
        policy.Reset();
        double total = 0;
        for (int step = 0; step < maxSteps; step++)
        {
            var result = env.Step(policy.Act(observation, info));
            total += result.Reward;
            if (result.Terminated || result.Truncated) return (total, step + 1, result.Terminated);
            (observation, info) = (result.Observation, result.Info);
        }
        return (total, maxSteps, false);
    }
}
