namespace PanGym.Imagination;

/// <summary>
/// The bookkeeping of <see cref="BatchedImagination"/>: which rows each depth of a batch of action sequences needs. With
/// sharing, trajectories that agree on their first t actions share one row for those steps, so the depth-t rows are the
/// distinct t-action prefixes; a terminated trajectory needs no row.
/// </summary>
internal static class PrefixTree
{
    /// <summary>The rows of depth <paramref name="step"/>: each row's parent row and action, and each trajectory's row (−1 once terminated).</summary>
    public static (long[] Parents, string[] Actions, int[] RowOf) Branch(
        IReadOnlyList<IReadOnlyList<string>> sequences, int step, int[] rowOf, bool[] terminated, bool share)
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
            if (!share || !rows.TryGetValue((rowOf[b], action), out int row))
            {
                row = parents.Count;
                parents.Add(rowOf[b]);
                actions.Add(action);
                if (share) rows[(rowOf[b], action)] = row;
            }
            nextRowOf[b] = row;
        }
        return (parents.ToArray(), actions.ToArray(), nextRowOf);
    }

    /// <summary>
    /// The rows of the next depth in passes: grouped by the block of the previous depth their parent row lies in (blocks
    /// start at <paramref name="blockOffsets"/>, ascending), so that one branch of that block serves them, at most
    /// <paramref name="maxRows"/> a pass, in order within a group.
    /// </summary>
    public static IEnumerable<(int Block, int[] Rows)> Passes(long[] parents, IReadOnlyList<int> blockOffsets, int maxRows)
    {
        var groups = new List<int>[blockOffsets.Count];
        for (int row = 0; row < parents.Length; row++)
        {
            int block = blockOffsets.Count - 1;
            while (blockOffsets[block] > parents[row]) block--;
            (groups[block] ??= []).Add(row);
        }
        for (int block = 0; block < blockOffsets.Count; block++)
            foreach (var rows in (groups[block] ?? []).Chunk(maxRows))
                yield return (block, rows);
    }
}
