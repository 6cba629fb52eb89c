using PanGym.WorldModel;
using TorchSharp;
using static TorchSharp.torch;

namespace PanGym.Imagination;

/// <summary>
/// Imagines B action sequences from one shared history in a batch: every step of all trajectories is one forward pass
/// of the dynamics, each trajectory reading its own KV cache branched from the shared one (<see cref="LatentHistory.Select"/>)
/// so that the shared past is never recomputed. Imagination stays in latent space unless the reward reads frames or
/// frames are kept. This is what planners score candidate plans with.
/// </summary>
/// <remarks>
/// <para>With <see cref="ImaginationOptions.ShareBranches"/>, trajectories that agree on their first t actions share one
/// row for those steps: the rollout is a prefix tree whose depth-t rows are the distinct t-action prefixes. A planner's
/// population shares much: at most |candidates| distinct first actions, and a converged CEM distribution draws many
/// identical sequences. Each row's result is what imagining its sequence alone gives.</para>
/// <para>Cost per step: one dynamics pass over the rows (a turn of tokens each, attending to the shared past plus the
/// branch), one branch copy of the KV cache, and when frames are needed, K decoder passes. Rows go through in passes of at
/// most <see cref="ImaginationOptions.MaxRowsPerPass"/>: on a CPU a pass of a few dozen rows already runs the matrix
/// products near their peak, and larger ones only grow the working set (measured slower per row).</para>
/// </remarks>
/// <param name="model">The world model whose dynamics (and decoder, when frames are needed) imagine.</param>
/// <param name="options">Discount, sharing, what to keep, decoding; default <see cref="ImaginationOptions.Default"/>.</param>
public sealed class BatchedImagination(WorldModel.WorldModel model, ImaginationOptions? options = null)
{
    readonly WorldModel.WorldModel _model = model ?? throw new ArgumentNullException(nameof(model));

    /// <summary>The options.</summary>
    public ImaginationOptions Options { get; } = options ?? ImaginationOptions.Default;

    /// <summary>
    /// Imagines every sequence in <paramref name="sequences"/> (B lists of H actions) from the history
    /// <paramref name="root"/> of one trajectory whose current state is <paramref name="rootState"/>, scoring each step with
    /// <paramref name="reward"/>. The root is not changed.
    /// </summary>
    /// <param name="root">The shared history (batch size 1); it is branched, never appended to.</param>
    /// <param name="rootState">The current state s_t [1, N, D], read by the first imagined turn.</param>
    /// <param name="rootFrame">The current frame [1, 3, H, W] in model pixels; needed only when frames are decoded.</param>
    /// <param name="sequences">B action sequences of the same length H ≥ 1.</param>
    /// <param name="reward">Scores each imagined step.</param>
    public ImaginationResult Imagine(LatentHistory root, Tensor rootState, Tensor? rootFrame, IReadOnlyList<IReadOnlyList<string>> sequences, IImaginedReward reward)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(reward);
        int horizon = CheckSequences(sequences);
        CheckRoot(root, rootState, horizon);
        bool decode = reward.NeedsFrames || Options.KeepFrames;
        if (decode) CheckFrame(rootFrame);

        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        int count = sequences.Count;
        var (n, d) = (rootState.shape[1], rootState.shape[2]);
        var latents = Options.KeepLatents ? zeros([count, horizon, n, d], device: rootState.device) : null;
        var frames = Options.KeepFrames ? zeros([count, horizon, .. rootFrame!.shape[1..]], device: rootFrame.device) : null;
        var rewards = Enumerable.Range(0, count).Select(_ => new double[horizon]).ToArray();
        var returns = new double[count];
        var lengths = Enumerable.Repeat(horizon, count).ToArray();
        var terminated = new bool[count];
        using var generator = decode ? new Generator((ulong)Options.Seed, rootState.device) : null;

        var rowOf = new int[count];
        // The rows of the previous depth, in blocks of at most MaxRowsPerPass; the root is block 0 of depth −1.
        var blocks = new List<RowBlock> { new(root, rootState, decode ? rootFrame : null, 0, Owned: false) };
        int computed = 0;
        try
        {
            for (int step = 0; step < horizon; step++)
            {
                var (parents, actions, nextRowOf) = Branch(sequences, step, rowOf, terminated);
                if (parents.Length == 0) break;
                var rowRewards = new double[parents.Length];
                var rowTerminated = new bool[parents.Length];
                var position = new int[parents.Length];
                var next = new List<RowBlock>();
                int offset = 0;
                foreach (var chunk in Chunks(parents, blocks))
                {
                    using var chunkScope = NewDisposeScope();
                    var block = chunk.Parent;
                    var local = chunk.Rows.Select(row => parents[row] - block.Offset).ToArray();
                    var indices = tensor(local, device: rootState.device);
                    var history = block.History.Select(local);
                    var chunkActions = chunk.Rows.Select(row => actions[row]).ToArray();
                    var states = _model.PredictNext(history, block.States.index_select(0, indices), chunkActions);
                    var decoded = decode ? _model.Decode(states, block.Frames!.index_select(0, indices), Options.Sampling, generator) : null;
                    var scores = reward.Evaluate(new ImaginedStep(states, decoded, chunkActions, step));
                    if (scores.Count != local.Length)
                        throw new InvalidOperationException($"The reward returned {scores.Count} rewards for {local.Length} imagined rows.");
                    for (int i = 0; i < local.Length; i++)
                    {
                        rowRewards[chunk.Rows[i]] = scores.Rewards[i];
                        rowTerminated[chunk.Rows[i]] = scores.Terminated[i];
                        position[chunk.Rows[i]] = offset + i;
                    }
                    next.Add(new RowBlock(history, states.DetachFromDisposeScope(), decoded?.DetachFromDisposeScope(), offset, Owned: true));
                    offset += local.Length;
                    computed += local.Length;
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
                    var targets = tensor(alive.ToArray(), device: rootState.device);
                    var sources = tensor(alivePositions.ToArray(), device: rootState.device);
                    latents?.select(1, step).index_copy_(0, targets, cat(next.Select(block => block.States).ToArray(), 0).index_select(0, sources));
                    frames?.select(1, step).index_copy_(0, targets, cat(next.Select(block => block.Frames!).ToArray(), 0).index_select(0, sources));
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
    /// The baseline that batching is measured against: the same sequences imagined one at a time, each from its own copy
    /// of the shared history (batch size 1 throughout). Same results as <see cref="Imagine"/>.
    /// </summary>
    public ImaginationResult ImagineEach(LatentHistory root, Tensor rootState, Tensor? rootFrame, IReadOnlyList<IReadOnlyList<string>> sequences, IImaginedReward reward)
    {
        CheckSequences(sequences);
        var parts = sequences.Select(sequence => Imagine(root, rootState, rootFrame, [sequence], reward)).ToArray();
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

    /// <summary>The rows of depth <paramref name="step"/>: each row's parent row and action, and each live trajectory's row (−1 once terminated).</summary>
    (long[] Parents, string[] Actions, int[] RowOf) Branch(IReadOnlyList<IReadOnlyList<string>> sequences, int step, int[] rowOf, bool[] terminated)
    {
        var parents = new List<long>();
        var actions = new List<string>();
        var nextRowOf = new int[sequences.Count];
        var rows = new Dictionary<(int Parent, string Action), int>();
        for (int b = 0; b < sequences.Count; b++)
        {
            if (terminated[b])
            {
                nextRowOf[b] = -1;
                continue;
            }
            var action = sequences[b][step];
            if (!Options.ShareBranches || !rows.TryGetValue((rowOf[b], action), out int row))
            {
                row = parents.Count;
                parents.Add(rowOf[b]);
                actions.Add(action);
                if (Options.ShareBranches) rows[(rowOf[b], action)] = row;
            }
            nextRowOf[b] = row;
        }
        return (parents.ToArray(), actions.ToArray(), nextRowOf);
    }

    /// <summary>
    /// The rows of the next depth in passes: grouped by the block their parent row lies in (so one branch of that block's
    /// cache serves them), at most <see cref="ImaginationOptions.MaxRowsPerPass"/> a pass, in order within a group.
    /// </summary>
    IEnumerable<(RowBlock Parent, int[] Rows)> Chunks(long[] parents, List<RowBlock> blocks)
    {
        var groups = new List<int>[blocks.Count];
        for (int row = 0; row < parents.Length; row++)
        {
            int block = blocks.FindLastIndex(b => b.Offset <= parents[row]);
            (groups[block] ??= []).Add(row);
        }
        for (int block = 0; block < blocks.Count; block++)
            foreach (var rows in (groups[block] ?? []).Chunk(Options.MaxRowsPerPass))
                yield return (blocks[block], rows);
    }

    /// <summary>A block of rows of one depth: their branched history, latent states and frames; rows Offset … Offset + count − 1.</summary>
    sealed record RowBlock(LatentHistory History, Tensor States, Tensor? Frames, int Offset, bool Owned) : IDisposable
    {
        public void Dispose()
        {
            if (!Owned) return;
            History.Dispose();
            States.Dispose();
            Frames?.Dispose();
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

    void CheckRoot(LatentHistory root, Tensor rootState, int horizon)
    {
        ArgumentNullException.ThrowIfNull(rootState);
        if (root.BatchSize != 1) throw new ArgumentException($"Imagination branches from the history of one trajectory; this one holds {root.BatchSize}.", nameof(root));
        var dynamics = _model.Config.Dynamics;
        if (rootState.dim() != 3 || rootState.shape[0] != 1 || rootState.shape[1] != dynamics.LatentTokens || rootState.shape[2] != dynamics.LatentWidth)
            throw new ArgumentException($"The root state must be [1, {dynamics.LatentTokens}, {dynamics.LatentWidth}]; got [{string.Join(", ", rootState.shape)}].", nameof(rootState));
        int limit = WindowedHistory.MaxTurnsFor(_model);
        if (root.Turns + horizon > limit)
            throw new ArgumentException(
                $"The history holds {root.Turns} turns and the horizon adds {horizon}, beyond the {limit} turns the backbone's positions can read; shorten the horizon or the history window.", nameof(root));
    }

    void CheckFrame(Tensor? rootFrame)
    {
        int size = _model.Config.ImageSize;
        if (rootFrame is null)
            throw new ArgumentException("The reward reads decoded frames (or frames are kept), so the root frame is needed to decode from; pass it.", nameof(rootFrame));
        if (rootFrame.dim() != 4 || rootFrame.shape[0] != 1 || rootFrame.shape[1] != 3 || rootFrame.shape[2] != size || rootFrame.shape[3] != size)
            throw new ArgumentException($"The root frame must be [1, 3, {size}, {size}] model pixels; got [{string.Join(", ", rootFrame.shape)}].", nameof(rootFrame));
    }
}
