using PanGym.Gym;

namespace PanGym.Planning;

/// <summary>
/// Uniformly random candidate actions: the baseline a planner must beat. Each reset moves on to a fresh stream of draws
/// derived from the last, so episodes differ while the seed fixes the whole run.
/// </summary>
public sealed class RandomTextPolicy : ITextPolicy
{
    readonly IReadOnlyList<string> _candidates;
    readonly int _seed;
    Random _random;

    /// <summary>A policy drawing from <paramref name="candidates"/> with <paramref name="seed"/>.</summary>
    public RandomTextPolicy(IReadOnlyList<string> candidates, int seed = 0)
    {
        CemPlanner.CheckCandidates(candidates);
        _candidates = candidates.ToArray();
        _seed = seed;
        _random = new Random(seed);
    }

    /// <inheritdoc />
    public void Reset() => _random = new Random(_seed + _random.Next());

    /// <inheritdoc />
    public string Act(Image observation, IReadOnlyDictionary<string, object?> info) => _candidates[_random.Next(_candidates.Count)];
}
