using System.Text.Json;
using static PanGym.Backbone.Qwen2ConfigJson;

namespace PanGym.Backbone.ImageProcessing;

/// <summary>
/// The settings of Hugging Face's <c>Qwen2VLImageProcessor</c> (the processor of Qwen2-VL and Qwen2.5-VL), as a
/// checkpoint's <c>preprocessor_config.json</c> gives them: the pixel budget of <c>smart_resize</c>
/// (<c>min_pixels</c>/<c>max_pixels</c>, or <c>size.shortest_edge</c>/<c>size.longest_edge</c>), the patch sizes, the
/// rescale factor and the per-channel mean and standard deviation. Validated once in the constructor.
/// </summary>
public sealed record Qwen2VLImageProcessorConfig
{
    /// <summary>The file name of the image processor's settings in a model folder.</summary>
    public const string FileName = "preprocessor_config.json";

    /// <summary>PIL's code for bicubic resampling (<c>PILImageResampling.BICUBIC</c>), the only one implemented.</summary>
    public const int BicubicResample = 3;

    /// <summary>OpenAI CLIP's per-channel mean, transformers' default for this processor.</summary>
    public static readonly IReadOnlyList<double> ClipMean = [0.48145466, 0.4578275, 0.40821073];

    /// <summary>OpenAI CLIP's per-channel standard deviation, transformers' default for this processor.</summary>
    public static readonly IReadOnlyList<double> ClipStd = [0.26862954, 0.26130258, 0.27577711];

    /// <summary>Creates and validates the settings; the defaults are transformers'.</summary>
    /// <param name="minPixels">Fewest pixels after resizing (<c>min_pixels</c>).</param>
    /// <param name="maxPixels">Most pixels after resizing (<c>max_pixels</c>).</param>
    /// <param name="patchSize">Side of a patch (<c>patch_size</c>).</param>
    /// <param name="temporalPatchSize">Frames per patch (<c>temporal_patch_size</c>).</param>
    /// <param name="mergeSize">Side of the square of patches merged into one token (<c>merge_size</c>).</param>
    /// <param name="imageMean">Per-channel mean subtracted after rescaling (<c>image_mean</c>).</param>
    /// <param name="imageStd">Per-channel standard deviation divided by (<c>image_std</c>).</param>
    /// <param name="rescaleFactor">Factor from 8-bit values to [0, 1] (<c>rescale_factor</c>).</param>
    /// <param name="doResize">Whether to <c>smart_resize</c> (<c>do_resize</c>).</param>
    /// <param name="doRescale">Whether to rescale (<c>do_rescale</c>).</param>
    /// <param name="doNormalize">Whether to normalise (<c>do_normalize</c>).</param>
    /// <param name="resample">PIL resampling filter (<c>resample</c>); only 3, bicubic.</param>
    public Qwen2VLImageProcessorConfig(
        int minPixels = 56 * 56,
        int maxPixels = 28 * 28 * 1280,
        int patchSize = 14,
        int temporalPatchSize = 2,
        int mergeSize = 2,
        IReadOnlyList<double>? imageMean = null,
        IReadOnlyList<double>? imageStd = null,
        double rescaleFactor = 1.0 / 255.0,
        bool doResize = true,
        bool doRescale = true,
        bool doNormalize = true,
        int resample = BicubicResample)
    {
        if (patchSize <= 0 || temporalPatchSize <= 0 || mergeSize <= 0)
            throw new ArgumentException($"patch_size ({patchSize}), temporal_patch_size ({temporalPatchSize}) and merge_size ({mergeSize}) must be positive.");
        if (minPixels <= 0 || maxPixels < minPixels)
            throw new ArgumentException($"min_pixels ({minPixels}) must be positive and at most max_pixels ({maxPixels}).");
        var mean = (imageMean ?? ClipMean).ToArray();
        var std = (imageStd ?? ClipStd).ToArray();
        if (mean.Length != 3 || std.Length != 3)
            throw new ArgumentException($"image_mean and image_std need one value per RGB channel, got {mean.Length} and {std.Length}.");
        if (std.Any(value => !(value > 0) || double.IsInfinity(value)))
            throw new ArgumentException($"image_std values must be finite and positive, got [{string.Join(", ", std)}].");
        if (!(rescaleFactor > 0) || double.IsInfinity(rescaleFactor))
            throw new ArgumentException($"rescale_factor must be finite and positive, got {rescaleFactor}.");
        if (doResize && resample != BicubicResample)
            throw new ArgumentException($"Unsupported resample {resample}: only PIL's bicubic ({BicubicResample}), the processor's default, is implemented.");
        (MinPixels, MaxPixels, PatchSize, TemporalPatchSize, MergeSize) = (minPixels, maxPixels, patchSize, temporalPatchSize, mergeSize);
        (ImageMean, ImageStd, RescaleFactor, DoResize, DoRescale, DoNormalize, Resample) = (mean, std, rescaleFactor, doResize, doRescale, doNormalize, resample);
    }

    /// <summary>Fewest pixels after resizing.</summary>
    public int MinPixels { get; }

    /// <summary>Most pixels after resizing.</summary>
    public int MaxPixels { get; }

    /// <summary>Side of a patch in pixels.</summary>
    public int PatchSize { get; }

    /// <summary>Frames per patch; a still image is repeated this many times.</summary>
    public int TemporalPatchSize { get; }

    /// <summary>Side of the square of patches merged into one token.</summary>
    public int MergeSize { get; }

    /// <summary>Per-channel mean (R, G, B).</summary>
    public IReadOnlyList<double> ImageMean { get; }

    /// <summary>Per-channel standard deviation (R, G, B).</summary>
    public IReadOnlyList<double> ImageStd { get; }

    /// <summary>Factor from 8-bit values to [0, 1].</summary>
    public double RescaleFactor { get; }

    /// <summary>Whether images are resized by <c>smart_resize</c>.</summary>
    public bool DoResize { get; }

    /// <summary>Whether 8-bit values are multiplied by <see cref="RescaleFactor"/>.</summary>
    public bool DoRescale { get; }

    /// <summary>Whether values are normalised by <see cref="ImageMean"/> and <see cref="ImageStd"/>.</summary>
    public bool DoNormalize { get; }

    /// <summary>The PIL resampling filter code (3, bicubic).</summary>
    public int Resample { get; }

    /// <summary>Side, in pixels, that resized images are a multiple of: patch × merge.</summary>
    public int Factor => PatchSize * MergeSize;

    /// <summary>Reads <c>preprocessor_config.json</c>; fields the processor does not use are ignored.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="FormatException">The JSON is malformed or asks for something not implemented (names the file and field).</exception>
    public static Qwen2VLImageProcessorConfig FromFile(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Image processor settings not found: {path}", path);
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            return FromJson(document.RootElement);
        }
        catch (JsonException e)
        {
            throw new FormatException($"{path} is not valid JSON: {e.Message}", e);
        }
        catch (FormatException e)
        {
            throw new FormatException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>The settings in a parsed <c>preprocessor_config.json</c>; <c>min_pixels</c>/<c>max_pixels</c> override <c>size</c>, as in transformers.</summary>
    /// <exception cref="FormatException">A field has the wrong type or an unsupported value.</exception>
    public static Qwen2VLImageProcessorConfig FromJson(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object) throw new FormatException("the image processor settings must be a JSON object.");
        var processorType = OptionalString(root, "image_processor_type");
        if (processorType is not (null or "Qwen2VLImageProcessor" or "Qwen2VLImageProcessorFast"))
            throw new FormatException($"Unsupported image_processor_type \"{processorType}\": this processor implements Qwen2VLImageProcessor.");
        if (OptionalBool(root, "do_convert_rgb") == false)
            throw new FormatException("Unsupported do_convert_rgb false: images are read as RGB.");
        int? minPixels = null, maxPixels = null;
        if (root.TryGetProperty("size", out var size) && size.ValueKind == JsonValueKind.Object)
        {
            minPixels = OptionalInt(size, "shortest_edge") ?? OptionalInt(size, "min_pixels");
            maxPixels = OptionalInt(size, "longest_edge") ?? OptionalInt(size, "max_pixels");
        }
        minPixels = OptionalInt(root, "min_pixels") ?? minPixels;
        maxPixels = OptionalInt(root, "max_pixels") ?? maxPixels;
        try
        {
            return new Qwen2VLImageProcessorConfig(
                minPixels: minPixels ?? 56 * 56,
                maxPixels: maxPixels ?? 28 * 28 * 1280,
                patchSize: OptionalInt(root, "patch_size") ?? 14,
                temporalPatchSize: OptionalInt(root, "temporal_patch_size") ?? 2,
                mergeSize: OptionalInt(root, "merge_size") ?? 2,
                imageMean: ReadChannels(root, "image_mean"),
                imageStd: ReadChannels(root, "image_std"),
                rescaleFactor: OptionalDouble(root, "rescale_factor") ?? 1.0 / 255.0,
                doResize: OptionalBool(root, "do_resize") ?? true,
                doRescale: OptionalBool(root, "do_rescale") ?? true,
                doNormalize: OptionalBool(root, "do_normalize") ?? true,
                resample: OptionalInt(root, "resample") ?? BicubicResample);
        }
        catch (ArgumentException e)
        {
            throw new FormatException(e.Message, e);
        }
    }

    /// <summary>A per-channel list, or one number for all three channels (as transformers accepts).</summary>
    private static double[]? ReadChannels(JsonElement root, string field)
    {
        if (!root.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind == JsonValueKind.Number) return [value.GetDouble(), value.GetDouble(), value.GetDouble()];
        if (value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(item => item.ValueKind == JsonValueKind.Number))
            return value.EnumerateArray().Select(item => item.GetDouble()).ToArray();
        throw new FormatException($"{field} must be a number or a list of numbers, got {value.GetRawText()}.");
    }
}
