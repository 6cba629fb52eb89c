namespace PanGym.Backbone.ImageProcessing;

/// <summary>
/// An image's patch grid (Hugging Face's <c>image_grid_thw</c> row): <see cref="T"/> temporal patches of
/// <see cref="H"/> × <see cref="W"/> spatial patches each.
/// </summary>
/// <param name="T">Temporal patches (1 for a still image).</param>
/// <param name="H">Patch rows.</param>
/// <param name="W">Patch columns.</param>
public readonly record struct ImageGrid(int T, int H, int W)
{
    /// <summary>Patches in the grid: one row of <c>pixel_values</c> each.</summary>
    public int Patches => T * H * W;

    /// <summary>Tokens the grid becomes after the vision tower merges <paramref name="mergeSize"/>² patches into one.</summary>
    public int MergedTokens(int mergeSize) => Patches / (mergeSize * mergeSize);
}
