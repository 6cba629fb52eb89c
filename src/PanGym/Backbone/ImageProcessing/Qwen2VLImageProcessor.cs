using PanGym.Gym;

namespace PanGym.Backbone.ImageProcessing;

/// <summary>
/// Hugging Face's <c>Qwen2VLImageProcessor</c> (the slow, PIL-based one that Qwen2-VL and Qwen2.5-VL ship with), for one
/// RGB image at a time: <see cref="SmartResize"/> picks a size whose sides are multiples of patch × merge and whose area
/// lies in [min_pixels, max_pixels]; the image is resized with Pillow's bicubic filter
/// (<see cref="PillowBicubicResampler"/>), rescaled and normalised in float32 as numpy does it; the still image is
/// repeated <c>temporal_patch_size</c> times; and the result is cut into patch rows in Hugging Face's order: merge
/// blocks row-major, the merge × merge patches of each block row-major inside it, and each row holding channel, then
/// frame, then the patch's pixels row-major.
/// </summary>
public sealed class Qwen2VLImageProcessor
{
    /// <summary>transformers' limit on the ratio of the longer side to the shorter.</summary>
    public const int MaxAspectRatio = 200;

    /// <summary>A processor with the given settings.</summary>
    public Qwen2VLImageProcessor(Qwen2VLImageProcessorConfig config)
    {
        Config = config ?? throw new ArgumentNullException(nameof(config));
    }

    /// <summary>The settings.</summary>
    public Qwen2VLImageProcessorConfig Config { get; }

    /// <summary>
    /// transformers' <c>smart_resize</c>: each side rounded to the nearest multiple of <paramref name="factor"/> (Python's
    /// <c>round</c>, halves to even); if the area exceeds <paramref name="maxPixels"/>, both sides are scaled down by
    /// √(area / max) and floored to multiples (at least one factor); if it falls short of <paramref name="minPixels"/>,
    /// scaled up by √(min / area) and ceiled.
    /// </summary>
    /// <returns>The resized height and width.</returns>
    /// <exception cref="ArgumentException">A side is not positive, or one side is more than 200 times the other.</exception>
    public static (int Height, int Width) SmartResize(int height, int width, int factor, int minPixels, int maxPixels)
    {
        if (height <= 0 || width <= 0) throw new ArgumentException($"An image needs positive sides, got {height}×{width}.");
        double ratio = (double)Math.Max(height, width) / Math.Min(height, width);
        if (ratio > MaxAspectRatio)
            throw new ArgumentException($"The image is {width}×{height}: its aspect ratio {ratio:G4} exceeds the processor's limit of {MaxAspectRatio}.");
        long heightBar = (long)Math.Round(height / (double)factor, MidpointRounding.ToEven) * factor;
        long widthBar = (long)Math.Round(width / (double)factor, MidpointRounding.ToEven) * factor;
        double area = (double)height * width;
        if (heightBar * widthBar > maxPixels)
        {
            double beta = Math.Sqrt(area / maxPixels);
            heightBar = Math.Max(factor, (long)Math.Floor(height / beta / factor) * factor);
            widthBar = Math.Max(factor, (long)Math.Floor(width / beta / factor) * factor);
        }
        else if (heightBar * widthBar < minPixels)
        {
            double beta = Math.Sqrt(minPixels / area);
            heightBar = (long)Math.Ceiling(height * beta / factor) * factor;
            widthBar = (long)Math.Ceiling(width * beta / factor) * factor;
        }
        return ((int)heightBar, (int)widthBar);
    }

    /// <summary>The size <paramref name="image"/> is resized to before it is cut into patches.</summary>
    public (int Height, int Width) TargetSize(Image image)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (Config.DoResize) return SmartResize(image.Height, image.Width, Config.Factor, Config.MinPixels, Config.MaxPixels);
        if (image.Height % Config.Factor != 0 || image.Width % Config.Factor != 0)
            throw new ArgumentException($"With do_resize false the image's sides must be multiples of patch × merge = {Config.Factor}; it is {image.Width}×{image.Height}.");
        return (image.Height, image.Width);
    }

    /// <summary>The image's patch rows and grid, as the processor makes <c>pixel_values</c> and <c>image_grid_thw</c>.</summary>
    /// <exception cref="ArgumentException">The image's aspect ratio is beyond the processor's limit.</exception>
    public ProcessedImage Process(Image image)
    {
        var (height, width) = TargetSize(image);
        var resized = height == image.Height && width == image.Width ? image : PillowBicubicResampler.Resize(image, width, height);
        var normalized = Normalize(resized);

        int patch = Config.PatchSize, merge = Config.MergeSize, frames = Config.TemporalPatchSize;
        var grid = new ImageGrid(1, height / patch, width / patch);
        int rowWidth = Image.Channels * frames * patch * patch;
        var values = new float[grid.Patches * rowWidth];
        int row = 0;
        for (int blockRow = 0; blockRow < grid.H / merge; blockRow++)
            for (int blockColumn = 0; blockColumn < grid.W / merge; blockColumn++)
                for (int innerRow = 0; innerRow < merge; innerRow++)
                    for (int innerColumn = 0; innerColumn < merge; innerColumn++, row++)
                    {
                        int top = (blockRow * merge + innerRow) * patch, left = (blockColumn * merge + innerColumn) * patch;
                        int column = row * rowWidth;
                        for (int channel = 0; channel < Image.Channels; channel++)
                            for (int frame = 0; frame < frames; frame++)
                                for (int y = 0; y < patch; y++)
                                    for (int x = 0; x < patch; x++)
                                        values[column++] = normalized[((top + y) * width + left + x) * Image.Channels + channel];
                    }
        return new ProcessedImage(values, grid, rowWidth);
    }

    /// <summary>
    /// Rescale then normalise, channels last, in numpy's arithmetic: <c>float32(value × rescale_factor)</c> (the product
    /// in float64), then <c>(x − float32(mean)) / float32(std)</c> in float32.
    /// </summary>
    private float[] Normalize(Image image)
    {
        var mean = Config.ImageMean.Select(value => (float)value).ToArray();
        var std = Config.ImageStd.Select(value => (float)value).ToArray();
        var result = new float[image.Data.Length];
        for (int i = 0; i < result.Length; i++)
        {
            float value = Config.DoRescale ? (float)(image.Data[i] * Config.RescaleFactor) : image.Data[i];
            int channel = i % Image.Channels;
            result[i] = Config.DoNormalize ? (value - mean[channel]) / std[channel] : value;
        }
        return result;
    }
}
