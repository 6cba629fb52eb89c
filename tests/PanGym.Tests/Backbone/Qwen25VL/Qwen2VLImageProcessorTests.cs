using PanGym.Backbone.ImageProcessing;
using PanGym.Gym;

namespace PanGym.Tests.Backbone.Qwen25VL;

public sealed class Qwen2VLImageProcessorTests
{
    private static readonly Qwen2VLImageProcessor Processor = new(new Qwen2VLImageProcessorConfig(
        minPixels: TinyQwen25VLCheckpoint.MinPixels, maxPixels: TinyQwen25VLCheckpoint.MaxPixels, patchSize: TinyQwen25VLCheckpoint.PatchSize,
        temporalPatchSize: TinyQwen25VLCheckpoint.TemporalPatchSize, mergeSize: TinyQwen25VLCheckpoint.MergeSize));

    /// <summary>Qwen2.5-VL's real settings (factor 28, 3136 … 12845056 pixels) on sizes whose rounding is worked out by hand.</summary>
    [Theory]
    [InlineData(448, 448, 448, 448)]
    [InlineData(42, 70, 56, 56)]      // 42 / 28 = 1.5 and 70 / 28 = 2.5: Python's round takes both halves to 2
    [InlineData(98, 126, 112, 112)]   // 3.5 → 4 and 4.5 → 4
    [InlineData(100, 300, 112, 308)]  // 3.57 → 4, 10.71 → 11
    [InlineData(20, 30, 56, 84)]      // 28 × 28 < 3136: β = √(3136 / 600) = 2.286, ceil(1.63) = 2, ceil(2.45) = 3
    [InlineData(5000, 3000, 4620, 2772)] // 5012 × 2996 > max: β = √(15 000 000 / 12 845 056) = 1.0806, floor(165.2) = 165, floor(99.1) = 99
    public void SmartResizeMatchesTransformersOnHandWorkedSizes(int height, int width, int expectedHeight, int expectedWidth)
    {
        var (h, w) = Qwen2VLImageProcessor.SmartResize(height, width, factor: 28, minPixels: 3136, maxPixels: 12845056);
        Assert.Equal((expectedHeight, expectedWidth), (h, w));
        Assert.Equal((expectedHeight, expectedWidth), NaiveQwen2VLImageProcessorReference.SmartResize(height, width, 28, 3136, 12845056));
    }

    [Fact]
    public void SmartResizeRefusesExtremeAspectRatios()
    {
        var error = Assert.Throws<ArgumentException>(() => Qwen2VLImageProcessor.SmartResize(10, 2100, 28, 3136, 12845056));
        Assert.Contains("aspect ratio 210 exceeds the processor's limit of 200", error.Message);
    }

    /// <summary>
    /// Upscaling the row [0, 255] to 4 samples (scale ½, support 2): output i has centre (i + ½) / 2 and reads both inputs
    /// with Keys weights at distances centre − ½ and centre + ½ … normalised to sum 1. For i = 1 (centre 0.75) they are
    /// k(0.25) = 0.8671875 and k(0.75) = 0.2265625, so 255 · 0.2265625 / 1.09375 = 52.8 → fixed point 53; i = 0 has a
    /// negative weight on 255 and clips to 0; the row is symmetric: [0, 53, 202, 255] (255 − 52.8 = 202.2 → 202).
    /// </summary>
    [Fact]
    public void BicubicUpscaleOfAStepMatchesTheHandComputedPillowValues()
    {
        var source = Gray([[0, 255]]);
        Assert.Equal(new[] { 0, 53, 202, 255 }, Channel(PillowBicubicResampler.Resize(source, 4, 1))[0]);
    }

    /// <summary>
    /// Downscaling [0, 0, 255, 255] to 2 (scale 2: the kernel stretches to support 4 and reads all four inputs): output 0
    /// has weights k(0.25), k(0.25), k(0.75), k(1.25) = 0.867, 0.867, 0.227, −0.070, so 255 · 0.15625 / 1.890625 = 21.07
    /// → 21, and output 1 mirrors it: 233.9 → 234.
    /// </summary>
    [Fact]
    public void BicubicDownscaleLowPassesAsPillowDoes()
    {
        Assert.Equal(new[] { 21, 234 }, Channel(PillowBicubicResampler.Resize(Gray([[0, 0, 255, 255]]), 2, 1))[0]);
        var column = Channel(PillowBicubicResampler.Resize(Gray([[0], [0], [255], [255]]), 1, 2));
        Assert.Equal(new[] { 21, 234 }, column.Select(row => row[0]));
    }

    /// <summary>Upscaling 3 → 5: output 2's centre 1.5 lies on input 1, where the kernel is 1 and vanishes at ±1, so it copies 200.</summary>
    [Fact]
    public void AnOutputCentredOnAnInputSampleCopiesIt()
    {
        var resized = Channel(PillowBicubicResampler.Resize(Gray([[10, 200, 30]]), 5, 1))[0];
        Assert.Equal(200, resized[2]);
        Assert.Equal(new[] { 0, 84, 200, 98, 17 }, resized);
    }

    [Fact]
    public void ConstantImagesStayConstantAndEqualSizesCopy()
    {
        var flat = new Image(7, 9);
        flat.Fill((200, 13, 77));
        var resized = PillowBicubicResampler.Resize(flat, 20, 3);
        Assert.All(Enumerable.Range(0, 20 * 3), i => Assert.Equal((byte)200, resized.Data[i * 3]));
        Assert.All(Enumerable.Range(0, 20 * 3), i => Assert.Equal((byte)77, resized.Data[i * 3 + 2]));
        var image = TestImages.Random(5, 6, seed: 3);
        var same = PillowBicubicResampler.Resize(image, 6, 5);
        Assert.Equal(image.Data, same.Data);
        Assert.NotSame(image.Data, same.Data);
    }

    /// <summary>Only the axis that changes is resampled: a width-only resize leaves each row's own samples alone vertically.</summary>
    [Fact]
    public void AnAxisThatKeepsItsSizeIsNotResampled()
    {
        var image = TestImages.Random(6, 8, seed: 4);
        var widened = PillowBicubicResampler.Resize(image, 11, 6);
        for (int y = 0; y < 6; y++)
        {
            var row = Enumerable.Range(0, 8).Select(x => (int)image.Data[(y * 8 + x) * 3 + 1]).ToArray();
            var expected = NaiveQwen2VLImageProcessorReference.Resample1D(row, 11);
            Assert.Equal(expected, Enumerable.Range(0, 11).Select(x => (int)widened.Data[(y * 11 + x) * 3 + 1]));
        }
    }

    /// <summary>Two passes, horizontal first, each rounded to 8 bits: equal to the reference's separable resize on every sample.</summary>
    [Theory]
    [InlineData(13, 22, 12, 24)]
    [InlineData(5, 6, 8, 12)]
    [InlineData(40, 30, 24, 20)]
    [InlineData(9, 31, 17, 4)]
    public void TwoPassResizeEqualsTheReference(int height, int width, int outHeight, int outWidth)
    {
        var image = TestImages.Random(height, width, seed: height * 31 + width);
        var resized = PillowBicubicResampler.Resize(image, outWidth, outHeight);
        for (int c = 0; c < 3; c++)
        {
            var plane = Enumerable.Range(0, height).Select(y => Enumerable.Range(0, width).Select(x => (int)image.Data[(y * width + x) * 3 + c]).ToArray()).ToArray();
            var expected = NaiveQwen2VLImageProcessorReference.PillowResizePlane(plane, outWidth, outHeight);
            for (int y = 0; y < outHeight; y++)
                for (int x = 0; x < outWidth; x++)
                    Assert.Equal(expected[y][x], resized.Data[(y * outWidth + x) * 3 + c]);
        }
    }

    /// <summary>No resizing (12 × 20 is a multiple of 4 within the pixel budget): pixel values equal the reference's to 1e-6.</summary>
    [Fact]
    public void PixelValuesOfAnImageThatNeedsNoResizingMatchTheReference()
    {
        var image = TestImages.Random(12, 20, seed: 5);
        var processed = Processor.Process(image);
        var (rows, grid) = NaiveQwen2VLImageProcessorReference.PixelValues(image);
        Assert.Equal(new ImageGrid(1, 6, 10), processed.Grid);
        Assert.Equal(grid, (processed.Grid.T, processed.Grid.H, processed.Grid.W));
        Assert.Equal(TinyQwen25VLCheckpoint.PatchRowWidth, processed.RowWidth);
        var difference = MaxAbsDifference(processed, rows);
        Console.WriteLine($"pixel values, no resize: max |Δ| = {difference:E2}");
        Assert.True(difference <= 1e-6, $"max |Δ| = {difference}");
    }

    /// <summary>Resized images: within one 8-bit step before normalisation (1 / 255 / std), and in fact equal here.</summary>
    [Theory]
    [InlineData(13, 22, 12, 24)]
    [InlineData(5, 6, 8, 12)]
    [InlineData(40, 30, 24, 20)]
    public void PixelValuesOfResizedImagesMatchTheReference(int height, int width, int resizedHeight, int resizedWidth)
    {
        var image = TestImages.Random(height, width, seed: height + width);
        var processed = Processor.Process(image);
        Assert.Equal(new ImageGrid(1, resizedHeight / 2, resizedWidth / 2), processed.Grid);
        var (rows, _) = NaiveQwen2VLImageProcessorReference.PixelValues(image);
        var difference = MaxAbsDifference(processed, rows);
        var oneStep = 1.0 / 255 / TinyQwen25VLCheckpoint.ImageStd.Max();
        Console.WriteLine($"pixel values, {width}×{height} → {resizedWidth}×{resizedHeight}: max |Δ| = {difference:E2} (one 8-bit step = {oneStep:E2})");
        Assert.True(difference <= oneStep, $"max |Δ| = {difference}");
        Assert.True(difference <= 1e-6, $"the resize should be exact, max |Δ| = {difference}");
    }

    /// <summary>
    /// HF's patch order on an image whose red value is its column and green its row: row r of pixel_values is merge block
    /// (r / 4 / 5, r / 4 % 5) of the 6 × 10 patch grid's 3 × 5 blocks, patch (r / 2 % 2, r % 2) inside it; its values are
    /// channel-major, then the two (identical) frames, then the 2 × 2 pixels row-major.
    /// </summary>
    [Fact]
    public void PatchRowsFollowHuggingFacesOrder()
    {
        var image = new Image(12, 20);
        for (int y = 0; y < 12; y++)
            for (int x = 0; x < 20; x++) image[x, y] = ((byte)x, (byte)y, 7);
        var plain = new Qwen2VLImageProcessor(new Qwen2VLImageProcessorConfig(
            minPixels: 64, maxPixels: 576, patchSize: 2, temporalPatchSize: 2, mergeSize: 2, doRescale: false, doNormalize: false));
        var processed = plain.Process(image);
        Assert.Equal(60, processed.Rows);
        for (int r = 0; r < 60; r++)
        {
            int block = r / 4, blockRow = block / 5, blockColumn = block % 5, patchRow = blockRow * 2 + r / 2 % 2, patchColumn = blockColumn * 2 + r % 2;
            for (int column = 0; column < 24; column++)
            {
                int channel = column / 8, pixelRow = column / 2 % 2, pixelColumn = column % 2;
                float expected = channel switch { 0 => patchColumn * 2 + pixelColumn, 1 => patchRow * 2 + pixelRow, _ => 7 };
                Assert.Equal(expected, processed.PixelValues[r * 24 + column]);
            }
        }
    }

    [Fact]
    public void PreprocessorConfigReadsBothPixelBudgetSpellings()
    {
        using var flat = System.Text.Json.JsonDocument.Parse("""{"min_pixels": 100, "max_pixels": 900, "patch_size": 14, "image_mean": 0.5, "image_std": [0.5, 0.25, 0.125]}""");
        var a = Qwen2VLImageProcessorConfig.FromJson(flat.RootElement);
        Assert.Equal((100, 900), (a.MinPixels, a.MaxPixels));
        Assert.Equal([0.5, 0.5, 0.5], a.ImageMean);
        Assert.Equal([0.5, 0.25, 0.125], a.ImageStd);
        using var nested = System.Text.Json.JsonDocument.Parse("""{"size": {"shortest_edge": 3136, "longest_edge": 12845056}, "min_pixels": 4000}""");
        var b = Qwen2VLImageProcessorConfig.FromJson(nested.RootElement);
        Assert.Equal((4000, 12845056), (b.MinPixels, b.MaxPixels));
        Assert.Equal(Qwen2VLImageProcessorConfig.ClipMean, b.ImageMean);
        using var bilinear = System.Text.Json.JsonDocument.Parse("""{"resample": 2}""");
        Assert.Contains("Unsupported resample 2", Assert.Throws<FormatException>(() => Qwen2VLImageProcessorConfig.FromJson(bilinear.RootElement)).Message);
    }

    private static double MaxAbsDifference(ProcessedImage processed, double[][] rows)
    {
        Assert.Equal(rows.Length, processed.Rows);
        double max = 0;
        for (int r = 0; r < rows.Length; r++)
            for (int c = 0; c < rows[r].Length; c++) max = Math.Max(max, Math.Abs(processed.PixelValues[r * processed.RowWidth + c] - rows[r][c]));
        return max;
    }

    private static Image Gray(int[][] rows)
    {
        var image = new Image(rows.Length, rows[0].Length);
        for (int y = 0; y < rows.Length; y++)
            for (int x = 0; x < rows[0].Length; x++) image[x, y] = ((byte)rows[y][x], (byte)rows[y][x], (byte)rows[y][x]);
        return image;
    }

    private static int[][] Channel(Image image) =>
        Enumerable.Range(0, image.Height).Select(y => Enumerable.Range(0, image.Width).Select(x => (int)image.Data[(y * image.Width + x) * 3]).ToArray()).ToArray();
}
