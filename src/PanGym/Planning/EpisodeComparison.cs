namespace PanGym.Planning;

/// <summary>One start state of a <see cref="PolicyEvaluation"/>: the policy's return in imagination and in the real environment.</summary>
/// <param name="Seed">The real environment's reset seed (it fixes the start state).</param>
/// <param name="ImaginedReturn">Undiscounted return in the imagined environment.</param>
/// <param name="RealReturn">Undiscounted return in the real environment.</param>
/// <param name="ImaginedSteps">Steps the imagined episode lasted.</param>
/// <param name="RealSteps">Steps the real episode lasted.</param>
/// <param name="ImaginedTerminated">Whether the imagined episode terminated (rather than running out of steps).</param>
/// <param name="RealTerminated">Whether the real episode terminated.</param>
public sealed record EpisodeComparison(int Seed, double ImaginedReturn, double RealReturn, int ImaginedSteps, int RealSteps, bool ImaginedTerminated, bool RealTerminated)
{
    /// <summary>Imagined minus real return: how optimistic the imagination is about this policy here.</summary>
    public double Gap => ImaginedReturn - RealReturn;
}
