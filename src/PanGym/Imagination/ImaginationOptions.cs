using PanGym.WorldModel;

namespace PanGym.Imagination;

/// <summary>How <see cref="BatchedImagination"/> rolls out and scores imagined trajectories. Validated once, here.</summary>
public sealed record ImaginationOptions
{
    /// <summary>Creates options.</summary>
    /// <param name="discount">γ in [0, 1]: a trajectory's return is Σ γ^t r_t up to its termination.</param>
    /// <param name="shareBranches">Compute each distinct action prefix once: trajectories that agree on their first t actions
    /// share one row (and one branched KV cache) for those steps, as a prefix tree; the results are the same.</param>
    /// <param name="keepLatents">Return the imagined latent states [B, H, N, D].</param>
    /// <param name="keepFrames">Decode and return frames [B, H, 3, H, W] even when the reward does not read them.</param>
    /// <param name="rollout">The closed loop, decoding and history window of each step; default <see cref="DefaultRollout"/>.</param>
    /// <param name="seed">Seed of the decoder's noise.</param>
    /// <param name="maxRowsPerPass">Most trajectories (rows) one forward pass of the dynamics takes; more are split into passes.</param>
    public ImaginationOptions(double discount = 1.0, bool shareBranches = true, bool keepLatents = false, bool keepFrames = false,
        RolloutOptions? rollout = null, int seed = 0, int maxRowsPerPass = 64)
    {
        if (maxRowsPerPass < 1) throw new ArgumentOutOfRangeException(nameof(maxRowsPerPass), maxRowsPerPass, "A pass needs at least one row.");
        if (!(discount >= 0 && discount <= 1)) throw new ArgumentOutOfRangeException(nameof(discount), discount, "The discount γ must lie in [0, 1].");
        (Discount, ShareBranches, KeepLatents, KeepFrames) = (discount, shareBranches, keepLatents, keepFrames);
        (Rollout, Seed, MaxRowsPerPass) = (rollout ?? DefaultRollout, seed, maxRowsPerPass);
    }

    /// <summary>
    /// A planner's rollouts: the closed loop with one deterministic Euler step per frame (with x-prediction one step gives
    /// the decoder's expected frame, the cheapest frame a reward or the closed loop can read).
    /// </summary>
    public static RolloutOptions DefaultRollout { get; } = new(sampling: new FlowSamplingOptions(steps: 1, temperature: 0));

    /// <summary>The defaults: undiscounted, shared branches, latents and frames not kept, <see cref="DefaultRollout"/>.</summary>
    public static ImaginationOptions Default { get; } = new();

    /// <summary>γ: the discount of later rewards.</summary>
    public double Discount { get; }

    /// <summary>Whether distinct action prefixes are computed once (a prefix tree of branched caches).</summary>
    public bool ShareBranches { get; }

    /// <summary>Whether the imagined latent states are returned.</summary>
    public bool KeepLatents { get; }

    /// <summary>Whether frames are decoded and returned.</summary>
    public bool KeepFrames { get; }

    /// <summary>The closed loop, decoding and history window of each step.</summary>
    public RolloutOptions Rollout { get; }

    /// <summary>Seed of the decoder's noise.</summary>
    public int Seed { get; }

    /// <summary>
    /// Most rows one forward pass takes (default 64). On two CPU cores, passes of 32–128 rows of the small preset cost the
    /// same per row, while 256 rows cost more per row (a working set of hundreds of MB); the rows of a depth are split into
    /// passes of at most this many, each branching its own part of the cache.
    /// </summary>
    public int MaxRowsPerPass { get; }
}
