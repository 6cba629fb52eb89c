namespace PanGym.Planning;

/// <summary>What an <see cref="IPlanningModel"/> returns for a batch of action sequences.</summary>
/// <param name="Returns">Each sequence's (discounted) return, in order.</param>
/// <param name="ComputedSteps">Model steps actually computed (below B × H when branches were shared or rollouts ended early).</param>
public sealed record RolloutScores(double[] Returns, int ComputedSteps);
