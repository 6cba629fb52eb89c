using PanGym.Backbone.ImageProcessing;

namespace PanGym.Backbone.Qwen25VL;

/// <summary>
/// The 3-D positions (temporal, height, width) that Qwen2.5-VL's language model turns its rotary embedding by
/// (transformers' <c>Qwen2_5_VLModel.get_rope_index</c>, for images): text tokens count up with all three components
/// equal; an image — a <c>&lt;|vision_start|&gt;</c> followed by its <c>&lt;|image_pad|&gt;</c> tokens — takes the
/// positions start + (0, row, column) of its merged grid, start being one past the text before it (a still image's
/// temporal component stays 0); text after an image resumes at the largest position so far + 1. A sequence of T tokens
/// so ends at a position below T − 1, and <see cref="RopeDelta"/> = (largest position + 1) − T shifts the
/// decode steps after it: the token at index L gets position L + delta in all three components.
/// </summary>
/// <param name="Temporal">Temporal component per token.</param>
/// <param name="Height">Height component per token.</param>
/// <param name="Width">Width component per token.</param>
/// <param name="RopeDelta">(largest position + 1) − token count (transformers' <c>rope_deltas</c>).</param>
public sealed record MultimodalPositions(long[] Temporal, long[] Height, long[] Width, long RopeDelta)
{
    /// <summary>The positions of <paramref name="ids"/>, whose images have the grids <paramref name="imageGrids"/> in order.</summary>
    /// <exception cref="ArgumentException">An image in the ids has no grid, or a grid has no image; or the ids hold a video.</exception>
    public static MultimodalPositions Compute(IReadOnlyList<long> ids, IReadOnlyList<ImageGrid> imageGrids, Qwen25VLConfig config)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(imageGrids);
        ArgumentNullException.ThrowIfNull(config);
        int merge = config.Vision.SpatialMergeSize;
        int images = 0;
        for (int i = 0; i + 1 < ids.Count; i++)
        {
            if (ids[i] != config.VisionStartTokenId) continue;
            if (ids[i + 1] == config.ImageTokenId) images++;
            else if (ids[i + 1] == config.VideoTokenId) throw new ArgumentException("The prompt holds a video (<|vision_start|><|video_pad|>); only images are supported.", nameof(ids));
        }
        if (images != imageGrids.Count)
            throw new ArgumentException($"The prompt opens {images} image(s) (<|vision_start|><|image_pad|>) but {imageGrids.Count} image grid(s) were given.", nameof(imageGrids));

        var temporal = new long[ids.Count];
        var height = new long[ids.Count];
        var width = new long[ids.Count];
        long next = 0;
        int cursor = 0;
        void Text(int end)
        {
            for (; cursor < end; cursor++, next++) temporal[cursor] = height[cursor] = width[cursor] = next;
        }
        foreach (var grid in imageGrids)
        {
            int imageStart = IndexOf(ids, config.ImageTokenId, cursor);
            Text(imageStart);
            int rows = grid.H / merge, columns = grid.W / merge;
            long start = next, largest = next;
            for (int frame = 0; frame < grid.T; frame++)
                for (int row = 0; row < rows; row++)
                    for (int column = 0; column < columns; column++, cursor++)
                    {
                        if (cursor >= ids.Count)
                            throw new ArgumentException($"An image of {grid.T * rows * columns} tokens starts at index {imageStart}, past the end of the {ids.Count} ids.", nameof(ids));
                        temporal[cursor] = start;
                        height[cursor] = start + row;
                        width[cursor] = start + column;
                        largest = Math.Max(largest, Math.Max(start + row, start + column));
                    }
            next = largest + 1;
        }
        Text(ids.Count);
        return new MultimodalPositions(temporal, height, width, RopeDelta: next - ids.Count);
    }

    private static int IndexOf(IReadOnlyList<long> ids, long id, int from)
    {
        for (int i = from; i < ids.Count; i++)
        {
            if (ids[i] == id) return i;
        }
        throw new ArgumentException($"No <|image_pad|> (id {id}) at or after index {from} for the next image.", nameof(ids));
    }

    /// <summary>Tokens in the sequence.</summary>
    public int Length => Temporal.Length;

    /// <summary>The positions as one [3, 1, T] int64 tensor (temporal, height, width), the language model's 3-D positions.</summary>
    public TorchSharp.torch.Tensor ToTensor(TorchSharp.torch.Device? device = null) =>
        TorchSharp.torch.tensor(Temporal.Concat(Height).Concat(Width).ToArray(), [3, 1, Length], device: device);
}
