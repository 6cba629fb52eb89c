using PanGym.WorldModel;
using static TorchSharp.torch;

namespace PanGym.Imagination;

/// <summary>
/// Imagines B action sequences from one shared past in a batch, through the <see cref="ImaginationEngine"/>: every step
/// of all trajectories is one engine step over rows branched from the shared trajectory (<see cref="ImaginedTrajectories.Select"/>),
/// so that the shared past is never recomputed. This is what planners score candidate plans with.
/// </summary>
/// <remarks>
/// <para>With <see cref="ImaginationOptions.ShareBranches"/>, trajectories that agree on their first t actions share one
/// row for those steps: the rollout is a prefix tree (<see cref="PrefixTree"/>) whose depth-t rows are the distinct
/// t-action prefixes. A planner's population shares much: at most |candidates| distinct first actions, and a converged
/// CEM distribution draws many identical sequences. Each row's result is what imagining its sequence alone gives (exactly
/// so when decoding is deterministic: temperature 0 and no context noise, as <see cref="ImaginationOptions.DefaultRollout"/>).</para>
/// <para>Cost per step: one engine step over the rows (a turn of tokens each, attending to the shared past plus the
/// branch; a decode when the closed loop or the reward needs frames) and one branch copy of the KV cache. The last step
/// skips what only a next step would read: the closed loop's re-encoding, and its decode when neither the reward nor
/// <see cref="ImaginationOptions.KeepFrames"/> reads frames. Rows go through
/// in passes of at most <see cref="ImaginationOptions.MaxRowsPerPass"/>: on a CPU a pass of a few dozen rows already runs
/// the matrix products near their peak, and larger ones only grow the working set (measured slower per row).</para>
/// </remarks>
public sealed class BatchedImagination
{
    /// <summary>Imagination over <paramref name="model"/> (not owned) with <paramref name="options"/> (default <see cref="ImaginationOptions.Default"/>).</summary>
    public BatchedImagination(PanWorldModel model, ImaginationOptions? options = null)
    {
        Options = options ?? ImaginationOptions.Default;
        Engine = new ImaginationEngine(model, Options.Rollout);
    }

    /// <summary>The options.</summary>
    public ImaginationOptions Options { get; }

    /// <summary>The engine every step goes through.</summary>
    public ImaginationEngine Engine { get; }

    /// <summary>
    /// Imagines every sequence in <paramref name="sequences"/> (B lists of H actions) from <paramref name="root"/>, one
    /// trajectory (batch size 1) whose state and frame are where the sequences start, scoring each step with
    /// <paramref name="reward"/>. The root is branched, never changed.
    /// </summary>
    public ImaginationResult Imagine(ImaginedTrajectories root, IReadOnlyList<IReadOnlyList<string>> sequences, IImaginedReward reward)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(reward);
        int horizon = CheckSequences(sequences);
        if (root.BatchSize != 1) throw new ArgumentException($"Imagination branches from one trajectory; this one holds {root.BatchSize}.", nameof(root));
        bool framesWanted = reward.NeedsFrames || Options.KeepFrames;
        if (Engine.Decodes(framesWanted) && root.Frame is null)
            throw new ArgumentException("The steps decode frames (the closed loop, the reward or kept frames), so the root needs its current frame.", nameof(root));

        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        int count = sequences.Count;
        var latents = Options.KeepLatents ? zeros([count, horizon, .. root.State.shape[1..]], device: root.State.device) : null;
        var frames = Options.KeepFrames ? zeros([count, horizon, .. root.Frame!.shape[1..]], device: root.Frame.device) : null;
        var rewards = Enumerable.Range(0, count).Select(_ => new double[horizon]).ToArray();
        var returns = new double[count];
        var lengths = Enumerable.Repeat(horizon, count).ToArray();
        var terminated = new bool[count];
        using var generator = Engine.Decodes(framesWanted) ? new Generator((ulong)Options.Seed, root.State.device) : null;

        // The imagined futures read the engine's window, however few turns the root keeps.
        var window = Engine.Options.WindowFor(Engine.Model);
        if (root.History.Turns > window.MaxTurns)
            throw new ArgumentException($"The root's history holds {root.History.Turns} turns, more than the imagination's window of {window.MaxTurns}.", nameof(root));
        var rowOf = new int[count];
        // The rows of the previous depth, in blocks of at most MaxRowsPerPass; the root is block 0 of depth −1.
        var blocks = new List<RowBlock> { new(root, null, 0, Owned: false) };
        int computed = 0;
        try
        {
            for (int step = 0; step < horizon; step++)
            {
                var (parents, actions, nextRowOf) = PrefixTree.Branch(sequences, step, rowOf, terminated, Options.ShareBranches);
                if (parents.Length == 0) break;
                var rowRewards = new double[parents.Length];
                var rowTerminated = new bool[parents.Length];
                var position = new int[parents.Length];
                var next = new List<RowBlock>();
                int offset = 0;
                foreach (var (blockIndex, rows) in PrefixTree.Passes(parents, [.. blocks.Select(b => b.Offset)], Options.MaxRowsPerPass))
                {
                    using var passScope = NewDisposeScope();
                    var block = blocks[blockIndex];
                    var branch = block.Trajectories.Select([.. rows.Select(row => parents[row] - block.Offset)], window);
                    var imagined = Engine.StepRows(branch, [.. rows.Select(row => actions[row])], generator, framesWanted, nextStateRead: step + 1 < horizon) with { Step = step };
                    var scores = reward.Evaluate(imagined);
                    if (scores.Count != rows.Length)
                        throw new InvalidOperationException($"The reward returned {scores.Count} rewards for {rows.Length} imagined rows.");
                    for (int i = 0; i < rows.Length; i++)
                    {
                        rowRewards[rows[i]] = scores.Rewards[i];
                        rowTerminated[rows[i]] = scores.Terminated[i];
                        position[rows[i]] = offset + i;
                    }
                    next.Add(new RowBlock(branch, Options.KeepLatents ? imagined.Latents.DetachFromDisposeScope() : null, offset, Owned: true));
                    offset += rows.Length;
                    computed += rows.Length;
                }

                var alive = new List<long>();
                var alivePositions = new List<long>();
                double weight = Math.Pow(Options.Discount, step);
                for (int b = 0; b < count; b++)
                {
                    int row = nextRowOf[b];
                    if (row < 0) continue;
                    alive.Add(b);
                    alivePositions.Add(position[row]);
                    rewards[b][step] = rowRewards[row];
                    returns[b] += weight * rowRewards[row];
                    if (rowTerminated[row])
                    {
                        terminated[b] = true;
                        lengths[b] = step + 1;
                    }
                    nextRowOf[b] = position[row];
                }
                if (latents is not null || frames is not null)
                {
                    using var keepScope = NewDisposeScope();
                    var targets = tensor(alive.ToArray(), device: root.State.device);
                    var sources = tensor(alivePositions.ToArray(), device: root.State.device);
                    latents?.select(1, step).index_copy_(0, targets, cat(next.Select(block => block.Latents!).ToArray(), 0).index_select(0, sources));
                    frames?.select(1, step).index_copy_(0, targets, cat(next.Select(block => block.Trajectories.Frame!).ToArray(), 0).index_select(0, sources));
                }
                foreach (var block in blocks) block.Dispose();
                blocks = next;
                rowOf = nextRowOf;
            }
        }
        finally
        {
            foreach (var block in blocks) block.Dispose();
        }
        latents?.MoveToOuterDisposeScope();
        frames?.MoveToOuterDisposeScope();
        return new ImaginationResult(rewards, returns, lengths, terminated, latents, frames, computed);
    }

    /// <summary>
    /// The baseline that batching is measured against: the same sequences imagined one at a time, each from its own
    /// branch of the root (batch size 1 throughout). The same results as <see cref="Imagine"/>.
    /// </summary>
    public ImaginationResult ImagineEach(ImaginedTrajectories root, IReadOnlyList<IReadOnlyList<string>> sequences, IImaginedReward reward)
    {
        CheckSequences(sequences);
        var parts = sequences.Select(sequence => Imagine(root, [sequence], reward)).ToArray();
        try
        {
            using var scope = NewDisposeScope();
            var latents = Options.KeepLatents ? cat(parts.Select(p => p.Latents!).ToArray(), 0).MoveToOuterDisposeScope() : null;
            var frames = Options.KeepFrames ? cat(parts.Select(p => p.Frames!).ToArray(), 0).MoveToOuterDisposeScope() : null;
            return new ImaginationResult(
                parts.Select(p => p.Rewards[0]).ToArray(), parts.Select(p => p.Returns[0]).ToArray(), parts.Select(p => p.Lengths[0]).ToArray(),
                parts.Select(p => p.Terminated[0]).ToArray(), latents, frames, parts.Sum(p => p.ComputedSteps));
        }
        finally
        {
            foreach (var part in parts) part.Dispose();
        }
    }

    /// <summary>A block of rows of one depth (rows Offset … Offset + count − 1) and their predicted states when kept.</summary>
    sealed record RowBlock(ImaginedTrajectories Trajectories, Tensor? Latents, int Offset, bool Owned) : IDisposable
    {
        public void Dispose()
        {
            if (!Owned) return;
            Trajectories.Dispose();
            Latents?.Dispose();
        }
    }

    static int CheckSequences(IReadOnlyList<IReadOnlyList<string>> sequences)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        if (sequences.Count == 0) throw new ArgumentException("No action sequences to imagine.", nameof(sequences));
        int horizon = sequences[0]?.Count ?? throw new ArgumentException("Action sequence 0 is null.", nameof(sequences));
        if (horizon == 0) throw new ArgumentException("The action sequences are empty; give at least one action each.", nameof(sequences));
        for (int b = 0; b < sequences.Count; b++)
        {
            var sequence = sequences[b] ?? throw new ArgumentException($"Action sequence {b} is null.", nameof(sequences));
            if (sequence.Count != horizon)
                throw new ArgumentException($"All action sequences must have the same length; sequence 0 has {horizon} actions, sequence {b} has {sequence.Count}.", nameof(sequences));
            if (sequence.Any(a => a is null)) throw new ArgumentException($"Action sequence {b} holds a null action.", nameof(sequences));
        }
        return horizon;
    }
}
