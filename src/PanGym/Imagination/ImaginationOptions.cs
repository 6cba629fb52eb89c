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
    /// <param name="sampling">How frames are decoded when they are needed; default 4 deterministic Euler steps (temperature 0),
    /// a planner's trade of fidelity for speed.</param>
    /// <param name="seed">Seed of the decoder's noise.</param>
    /// <param name="maxRowsPerPass">Most trajectories (rows) one forward pass of the dynamics takes; more are split into passes.</param>
    public ImaginationOptions(double discount = 1.0, bool shareBranches = true, bool keepLatents = false, bool keepFrames = false,
        FlowSamplingOptions? sampling = null, int seed = 0, int maxRowsPerPass = 64)
    {
        if (maxRowsPerPass < 1) throw new ArgumentOutOfRangeException(nameof(maxRowsPerPass), maxRowsPerPass, "A pass needs at least one row.");
        MaxRowsPerPass = maxRowsPerPass;
        if (!(discount >= 0 && discount <= 1)) throw new ArgumentOutOfRangeException(nameof(discount), discount, "The discount γ must lie in [0, 1].");
        Discount = discount;
        ShareBranches = shareBranches;
        KeepLatents = keepLatents;
        KeepFrames = keepFrames;
        Sampling = sampling ?? new FlowSamplingOptions(steps: 4, temperature: 0);
        Seed = seed;
    }

    /// <summary>The defaults: undiscounted, shared branches, latents and frames not kept.</summary>
    public static ImaginationOptions Default { get; } = new();

    /// <summary>γ: the discount of later rewards.</summary>
    public double Discount { get; }

    /// <summary>Whether distinct action prefixes are computed once (a prefix tree of branched caches).</summary>
    public bool ShareBranches { get; }

    /// <summary>Whether the imagined latent states are returned.</summary>
    public bool KeepLatents { get; }

    /// <summary>Whether frames are decoded and returned.</summary>
    public bool KeepFrames { get; }

    /// <summary>How frames are decoded when they are needed.</summary>
    public FlowSamplingOptions Sampling { get; }

    /// <summary>Seed of the decoder's noise.</summary>
    public int Seed { get; }

    /// <summary>
    /// Most rows one forward pass takes (default 64). On two CPU cores, passes of 32–128 rows of the small preset cost the
    /// same per row, while 256 rows cost more per row (a working set of hundreds of MB); the rows of a depth are split into
    /// passes of at most this many, each branching its own part of the cache.
    /// </summary>
    public int MaxRowsPerPass { get; }
}
