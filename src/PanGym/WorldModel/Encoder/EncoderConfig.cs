namespace PanGym.WorldModel;

/// <summary>
/// Sizes of the <see cref="Encoder"/> h (PAN §3.1): a frame of <see cref="ImageSize"/>² pixels is cut into
/// <see cref="PatchSize"/>² patches, mixed by <see cref="Depth"/> transformer blocks of width <see cref="Width"/>, then read
/// out by <see cref="LatentTokens"/> learned queries into N latent tokens of width <see cref="LatentWidth"/>.
/// </summary>
public sealed record EncoderConfig
{
    /// <summary>Creates and validates a configuration.</summary>
    public EncoderConfig(int imageSize, int patchSize, int width, int depth, int heads, int latentTokens, int latentWidth)
    {
        if (imageSize <= 0 || patchSize <= 0 || imageSize % patchSize != 0)
            throw new ArgumentException($"The image size ({imageSize}) must be a positive multiple of the patch size ({patchSize}).");
        if (width <= 0 || heads <= 0 || width % heads != 0)
            throw new ArgumentException($"The encoder width ({width}) must be a positive multiple of its head count ({heads}).");
        if (depth < 0) throw new ArgumentOutOfRangeException(nameof(depth), depth, "The encoder depth cannot be negative.");
        if (latentTokens <= 0 || latentWidth <= 0)
            throw new ArgumentException($"Latent tokens ({latentTokens}) and latent width ({latentWidth}) must be positive.");
        (ImageSize, PatchSize, Width, Depth, Heads, LatentTokens, LatentWidth) = (imageSize, patchSize, width, depth, heads, latentTokens, latentWidth);
        int side = imageSize / patchSize;
        if (LatentGrid.Rows > side || LatentGrid.Columns > side)
            throw new ArgumentException(
                $"{latentTokens} latent tokens lay out as a {LatentGrid.Rows}×{LatentGrid.Columns} grid, larger than the {side}×{side} patch grid; use fewer latent tokens or smaller patches.");
    }

    /// <summary>
    /// The grid of image regions the latent tokens start from: rows × columns = N, as square as N allows (8 → 2×4,
    /// 16 → 4×4, 256 → 16×16).
    /// </summary>
    public (int Rows, int Columns) LatentGrid => GridFor(LatentTokens);

    /// <summary>The grid of <paramref name="latentTokens"/> regions, rows × columns, as square as the count allows.</summary>
    public static (int Rows, int Columns) GridFor(int latentTokens)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(latentTokens);
        int rows = (int)Math.Sqrt(latentTokens);
        while (latentTokens % rows != 0) rows--;
        return (rows, latentTokens / rows);
    }

    /// <summary>Frame height and width in pixels.</summary>
    public int ImageSize { get; }

    /// <summary>Patch side in pixels.</summary>
    public int PatchSize { get; }

    /// <summary>Transformer width.</summary>
    public int Width { get; }

    /// <summary>Transformer blocks over the patches.</summary>
    public int Depth { get; }

    /// <summary>Attention heads.</summary>
    public int Heads { get; }

    /// <summary>N, the number of latent tokens a frame becomes (256 in the paper).</summary>
    public int LatentTokens { get; }

    /// <summary>D, the width of a latent token.</summary>
    public int LatentWidth { get; }

    /// <summary>Patches per frame.</summary>
    public int Patches => (ImageSize / PatchSize) * (ImageSize / PatchSize);
}
