namespace PanGym.Envs;

/// <summary>The mixture <see cref="ShapesWorldExploration"/> draws each step from; validated once here.</summary>
public sealed record ShapesWorldExplorationConfig
{
    /// <summary>A mixture: wait, an expert step, or else a uniformly random move.</summary>
    /// <param name="waitProbability">Chance of "wait" (so the model learns that nothing moves), in [0, 1].</param>
    /// <param name="expertProbability">Chance of the expert's step toward the goal (so goal-reaching transitions exist), in [0, 1].</param>
    public ShapesWorldExplorationConfig(double waitProbability = 0.1, double expertProbability = 0.25)
    {
        if (!(waitProbability >= 0 && expertProbability >= 0 && waitProbability + expertProbability <= 1))
            throw new ArgumentOutOfRangeException(nameof(expertProbability),
                $"The wait and expert probabilities must be non-negative and sum to at most 1; got {waitProbability} and {expertProbability}.");
        (WaitProbability, ExpertProbability) = (waitProbability, expertProbability);
    }

    /// <summary>Wait 10 % of the time, follow the expert 25 %, move a random shape 65 %.</summary>
    public static ShapesWorldExplorationConfig Default { get; } = new();

    /// <summary>Chance of "wait".</summary>
    public double WaitProbability { get; }

    /// <summary>Chance of the expert's step.</summary>
    public double ExpertProbability { get; }

    /// <summary>Chance of a random move: the rest.</summary>
    public double MoveProbability => 1 - WaitProbability - ExpertProbability;
}
