using PanGym.Backbone.ImageProcessing;

namespace PanGym.Backbone.Qwen25VL;

/// <summary>
/// Where every patch of a batch of images sits, as the vision tower needs it (transformers'
/// <c>Qwen2_5_VisionTransformerPretrainedModel.rot_pos_emb</c> and <c>get_window_index</c>):
/// <list type="bullet">
/// <item>each patch's row and column in its frame, in the processor's patch order (merge blocks row-major, the patches
/// of a block row-major inside it), for the 2-D rotary positions;</item>
/// <item>the window order: merged tokens (groups of merge² consecutive patches) regrouped so that each attention window
/// is contiguous — per image, per frame, windows row-major over the frame, and row-major inside a window — and the
/// inverse permutation that restores the processor's order after the merger;</item>
/// <item>the lengths, in patches, of the windows (empty ones dropped, as <c>unique_consecutive</c> drops them) and of the
/// frames (the segments the full-attention blocks attend within).</item>
/// </list>
/// </summary>
internal sealed class VisionPatchLayout
{
    private VisionPatchLayout(int[] rows, int[] columns, long[] windowOrder, long[] restoreOrder, int[] windowLengths, int[] frameLengths)
    {
        PatchRows = rows;
        PatchColumns = columns;
        WindowOrder = windowOrder;
        RestoreOrder = restoreOrder;
        WindowLengths = windowLengths;
        FrameLengths = frameLengths;
    }

    /// <summary>Row of each patch in its frame, in processor order.</summary>
    public int[] PatchRows { get; }

    /// <summary>Column of each patch in its frame, in processor order.</summary>
    public int[] PatchColumns { get; }

    /// <summary>Merged-token indices in window order (transformers' <c>window_index</c>).</summary>
    public long[] WindowOrder { get; }

    /// <summary>The inverse of <see cref="WindowOrder"/> (transformers' <c>argsort(window_index)</c>).</summary>
    public long[] RestoreOrder { get; }

    /// <summary>Patches per non-empty attention window, in window order.</summary>
    public int[] WindowLengths { get; }

    /// <summary>Patches per frame, in order.</summary>
    public int[] FrameLengths { get; }

    /// <summary>The layout of <paramref name="grids"/>' patches, one grid per image, in the order their rows are stacked.</summary>
    /// <exception cref="ArgumentException">A grid is empty or its sides are not multiples of the merge size.</exception>
    public static VisionPatchLayout For(IReadOnlyList<ImageGrid> grids, Qwen25VLVisionConfig config)
    {
        int merge = config.SpatialMergeSize, window = config.WindowMergedTokens;
        var rows = new List<int>();
        var columns = new List<int>();
        var windowOrder = new List<long>();
        var windowLengths = new List<int>();
        var frameLengths = new List<int>();
        long firstToken = 0;
        foreach (var grid in grids)
        {
            if (grid.T <= 0 || grid.H <= 0 || grid.W <= 0 || grid.H % merge != 0 || grid.W % merge != 0)
                throw new ArgumentException($"Image grid ({grid.T}, {grid.H}, {grid.W}) must be positive with rows and columns multiples of the merge size {merge}.");
            int mergedRows = grid.H / merge, mergedColumns = grid.W / merge;
            for (int frame = 0; frame < grid.T; frame++)
            {
                frameLengths.Add(grid.H * grid.W);
                for (int blockRow = 0; blockRow < mergedRows; blockRow++)
                    for (int blockColumn = 0; blockColumn < mergedColumns; blockColumn++)
                        for (int innerRow = 0; innerRow < merge; innerRow++)
                            for (int innerColumn = 0; innerColumn < merge; innerColumn++)
                            {
                                rows.Add(blockRow * merge + innerRow);
                                columns.Add(blockColumn * merge + innerColumn);
                            }
                long frameStart = firstToken + (long)frame * mergedRows * mergedColumns;
                for (int windowTop = 0; windowTop < mergedRows; windowTop += window)
                    for (int windowLeft = 0; windowLeft < mergedColumns; windowLeft += window)
                    {
                        int bottom = Math.Min(windowTop + window, mergedRows), right = Math.Min(windowLeft + window, mergedColumns);
                        for (int row = windowTop; row < bottom; row++)
                            for (int column = windowLeft; column < right; column++)
                                windowOrder.Add(frameStart + row * mergedColumns + column);
                        windowLengths.Add((bottom - windowTop) * (right - windowLeft) * config.MergeUnit);
                    }
            }
            firstToken += (long)grid.T * mergedRows * mergedColumns;
        }
        var order = windowOrder.ToArray();
        var restore = new long[order.Length];
        for (int position = 0; position < order.Length; position++) restore[order[position]] = position;
        return new VisionPatchLayout(rows.ToArray(), columns.ToArray(), order, restore, windowLengths.ToArray(), frameLengths.ToArray());
    }
}
