using PanGym.Gym;

namespace PanGym.Imagination;

/// <summary>How a <see cref="PanEnv"/> (and <see cref="PanVectorEnv"/>) behaves: its action space, how it imagines (closed loop,
/// decoding, history window), its reward and start frames. Validated once, here.</summary>
public sealed record PanEnvOptions
{
    /// <summary>Creates options.</summary>
    /// <param name="candidates">The candidate actions listed in the <c>TextSpace</c> (what a planner searches over); null for none.</param>
    /// <param name="enforceCandidates">Whether only the candidates are accepted; otherwise any text the model can read is.</param>
    /// <param name="maxActionLength">Longest action text in characters; default the dynamics' action token budget, which the
    /// byte tokenizer's one token per ASCII character meets.</param>
    /// <param name="rollout">How each step is imagined: closed loop, decoding, history window; default <see cref="RolloutOptions.Default"/>.</param>
    /// <param name="reward">Reward and termination of each step; default zero reward, never terminating. A reset may replace it for one episode.</param>
    /// <param name="startObservations">Draws a start frame from the environment's seeded generator for a <c>Reset</c> that is not
    /// given one (so that the environment checker and autoresetting wrappers can reset it); null: a start frame must be given.</param>
    public PanEnvOptions(IReadOnlyList<string>? candidates = null, bool enforceCandidates = false, int? maxActionLength = null,
        RolloutOptions? rollout = null, IImaginedReward? reward = null, Func<Random, Image>? startObservations = null)
    {
        if (candidates is not null && candidates.Any(c => c is null)) throw new ArgumentException("A candidate action is null.", nameof(candidates));
        if (enforceCandidates && (candidates is null || candidates.Count == 0))
            throw new ArgumentException("The candidate list is empty, so enforcing it would admit no action; give candidates or do not enforce them.", nameof(candidates));
        if (maxActionLength is < 1) throw new ArgumentOutOfRangeException(nameof(maxActionLength), maxActionLength, "The longest action must be at least one character.");
        Candidates = candidates?.ToArray();
        EnforceCandidates = enforceCandidates;
        MaxActionLength = maxActionLength;
        Rollout = rollout ?? RolloutOptions.Default;
        Reward = reward ?? DelegateReward.Zero;
        StartObservations = startObservations;
    }

    /// <summary>The defaults: free text, no candidates, zero reward, <see cref="RolloutOptions.Default"/>.</summary>
    public static PanEnvOptions Default { get; } = new();

    /// <summary>The candidate actions, or null.</summary>
    public IReadOnlyList<string>? Candidates { get; }

    /// <summary>Whether only the candidates are accepted.</summary>
    public bool EnforceCandidates { get; }

    /// <summary>Longest action text in characters; null for the dynamics' action token budget.</summary>
    public int? MaxActionLength { get; }

    /// <summary>How each step is imagined.</summary>
    public RolloutOptions Rollout { get; }

    /// <summary>The reward and termination of each step (unless a reset replaces it).</summary>
    public IImaginedReward Reward { get; }

    /// <summary>Draws a start frame when a reset is given none; null if none can be drawn.</summary>
    public Func<Random, Image>? StartObservations { get; }

}
