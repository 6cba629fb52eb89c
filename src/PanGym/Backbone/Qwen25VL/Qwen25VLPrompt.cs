using PanGym.Backbone.ImageProcessing;

namespace PanGym.Backbone.Qwen25VL;

/// <summary>
/// A prompt for Qwen2.5-VL: token ids in which each image occupies as many <c>&lt;|image_pad|&gt;</c> tokens as the
/// vision tower makes tokens of it (grid_t · grid_h · grid_w / merge²), and the processed images in prompt order.
/// <see cref="Expand"/> builds it the way Hugging Face's <c>Qwen2_5_VLProcessor</c> does: the text holds one
/// <c>&lt;|image_pad|&gt;</c> per image (inside <c>&lt;|vision_start|&gt;…&lt;|vision_end|&gt;</c>), and the i-th is
/// repeated for the i-th image.
/// </summary>
/// <param name="Ids">The expanded token ids.</param>
/// <param name="Images">The images whose tokens fill the <c>&lt;|image_pad|&gt;</c> runs, in order.</param>
public sealed record Qwen25VLPrompt(long[] Ids, IReadOnlyList<ProcessedImage> Images)
{
    /// <summary>The text that stands for one image in a prompt, as Qwen2.5-VL's chat template writes it.</summary>
    public const string ImagePlaceholder = "<|vision_start|><|image_pad|><|vision_end|>";

    /// <summary>
    /// Expands the i-th <c>&lt;|image_pad|&gt;</c> of <paramref name="ids"/> into the tokens of <paramref name="images"/>[i].
    /// </summary>
    /// <exception cref="ArgumentException">The ids hold a different number of <c>&lt;|image_pad|&gt;</c> tokens than there are images.</exception>
    public static Qwen25VLPrompt Expand(IReadOnlyList<int> ids, IReadOnlyList<ProcessedImage> images, Qwen25VLConfig config)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(config);
        int pads = ids.Count(id => id == config.ImageTokenId);
        if (pads != images.Count)
            throw new ArgumentException($"The prompt has {pads} <|image_pad|> token(s) but {images.Count} image(s) were given: put one <|vision_start|><|image_pad|><|vision_end|> in the text per image.");
        var expanded = new List<long>(ids.Count + images.Sum(image => image.Grid.MergedTokens(config.Vision.SpatialMergeSize)));
        int next = 0;
        foreach (var id in ids)
        {
            if (id != config.ImageTokenId)
            {
                expanded.Add(id);
                continue;
            }
            expanded.AddRange(Enumerable.Repeat((long)id, images[next++].Grid.MergedTokens(config.Vision.SpatialMergeSize)));
        }
        return new Qwen25VLPrompt(expanded.ToArray(), images);
    }

    /// <summary>The image grids in prompt order.</summary>
    public IReadOnlyList<ImageGrid> Grids => Images.Select(image => image.Grid).ToArray();
}
