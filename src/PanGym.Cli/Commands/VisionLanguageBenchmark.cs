using System.Globalization;
using PanGym.Backbone;
using PanGym.Backbone.ImageProcessing;
using PanGym.Backbone.Qwen25VL;
using PanGym.Gym;
using Spectre.Console;
using static TorchSharp.torch;

namespace PanGym.Cli.Commands;

/// <summary>
/// The Qwen2.5-VL part of <c>pangym bench lm</c>: the vision tower's time per image and achieved GFLOP/s, and the cached
/// decode step of the language model after an image prompt (M-RoPE positions, rope delta) beside the same language
/// model's text-only decode step at the same context, with random weights.
/// </summary>
internal static class VisionLanguageBenchmark
{
    /// <summary>The vision-language presets: a tiny one, and Qwen2.5-VL's released vision tower before a Qwen2.5-0.5B-shaped language model.</summary>
    public static readonly Dictionary<string, Qwen25VLConfig> Presets = new(StringComparer.OrdinalIgnoreCase)
    {
        ["tiny-vl"] = new Qwen25VLConfig(
            new Qwen2Config(vocabSize: 512, hiddenSize: 64, intermediateSize: 128, numHiddenLayers: 2, numAttentionHeads: 4, numKeyValueHeads: 2),
            new Qwen25VLVisionConfig(depth: 2, hiddenSize: 64, intermediateSize: 128, numHeads: 4, outHiddenSize: 64, fullAttentionBlockIndexes: [1]),
            [2, 3, 3], imageTokenId: 500, videoTokenId: 501, visionStartTokenId: 502, visionEndTokenId: 503),
        ["qwen2.5-vl-tower+0.5b"] = new Qwen25VLConfig(
            Qwen2Config.Qwen2_5_0_5B, Qwen25VLVisionConfig.Released(Qwen2Config.Qwen2_5_0_5B.HiddenSize), [8, 12, 12],
            imageTokenId: 151655, videoTokenId: 151656, visionStartTokenId: 151652, visionEndTokenId: 151653),
    };

    /// <summary>Text tokens after the image in the decode prompt.</summary>
    private const int TextTokens = 16;

    private sealed record Timings(string Preset, int ImageSide, int Patches, int ImageTokens, double ProcessorSeconds, double VisionSeconds, double VisionFlops,
        int Context, double VisionLanguageDecodeSeconds, double TextDecodeSeconds);

    /// <summary>Measures each preset and writes the table under <paramref name="peak"/>'s yardstick.</summary>
    public static void Run(IAnsiConsole console, IReadOnlyList<string> presetNames, int imageSide, int decodeSteps, int repetitions, double peak)
    {
        console.Profile.Width = Math.Max(console.Profile.Width, 190);
        var table = new Table().Title($"pangym bench lm, Qwen2.5-VL (float32, {get_num_threads()} threads; 1024² float32 matmul peak {peak:F1} GFLOP/s)");
        table.AddColumns("preset", "image", "patches", "image tokens", "processor ms/image", "vision ms/image", "vision GFLOP/s", "context",
            "VL decode ms/token", "text decode ms/token", "VL / text");
        foreach (var name in presetNames)
        {
            var row = Measure(name, Presets[name], imageSide, decodeSteps, repetitions);
            table.AddRow(row.Preset, $"{row.ImageSide}²", Invariant(row.Patches), Invariant(row.ImageTokens),
                LmBenchmark.Milliseconds(row.ProcessorSeconds), LmBenchmark.Milliseconds(row.VisionSeconds), LmBenchmark.Gflops(row.VisionFlops, row.VisionSeconds), Invariant(row.Context),
                LmBenchmark.Milliseconds(row.VisionLanguageDecodeSeconds), LmBenchmark.Milliseconds(row.TextDecodeSeconds),
                (row.VisionLanguageDecodeSeconds / row.TextDecodeSeconds).ToString("F2", CultureInfo.InvariantCulture));
        }
        console.Write(table);
        console.WriteLine($"Processor: smart_resize (and a resize where needed), rescale, normalise and patch rows of one {imageSide}×{imageSide} RGB image. " +
            $"Vision: the fastest of up to {repetitions} runs of the tower on it (patch embedding, window and full attention, merger); " +
            "GFLOP/s counts its matrix products, attention over each window or frame only. " +
            $"VL decode: one cached step after a prompt of the image's tokens and {TextTokens} text tokens, at position L + rope delta; " +
            $"text decode: the same language model's step at the same context with 1-D positions (the Qwen2 path); the fastest of up to {decodeSteps}.");
    }

    private static Timings Measure(string name, Qwen25VLConfig config, int imageSide, int decodeSteps, int repetitions)
    {
        using var noGrad = no_grad();
        using var model = new Qwen25VLModel(config);
        model.eval();
        var vision = config.Vision;
        var processor = new Qwen2VLImageProcessor(new Qwen2VLImageProcessorConfig(minPixels: vision.PatchSize * vision.PatchSize * vision.MergeUnit,
            maxPixels: 4 * imageSide * imageSide, patchSize: vision.PatchSize, temporalPatchSize: vision.TemporalPatchSize, mergeSize: vision.SpatialMergeSize));
        var image = NoiseImage(imageSide);
        var processed = processor.Process(image);
        var processorSeconds = LmBenchmark.BestSeconds(repetitions, () => processor.Process(image));
        model.EncodeImages([processed]).Dispose();
        var visionSeconds = LmBenchmark.BestSeconds(repetitions, () => model.EncodeImages([processed]));

        var imageTokens = processed.Grid.MergedTokens(vision.SpatialMergeSize);
        var random = new Random(0);
        var ids = new List<long> { config.VisionStartTokenId };
        ids.AddRange(Enumerable.Repeat((long)config.ImageTokenId, imageTokens));
        ids.Add(config.VisionEndTokenId);
        ids.AddRange(Enumerable.Range(0, TextTokens).Select(_ => (long)random.Next(0, config.VisionStartTokenId)));
        var prompt = new Qwen25VLPrompt(ids.ToArray(), [processed]);
        var context = prompt.Ids.Length;
        var delta = model.Positions(prompt).RopeDelta;
        using var next = tensor(new long[] { 7 }).view(1, 1);

        using var vlCache = model.CreateCache(initialCapacity: context + 1);
        model.Forward(prompt, vlCache).Dispose();
        var vlSeconds = LmBenchmark.BestSeconds(decodeSteps, () =>
        {
            model.DecodeStep(next, vlCache, delta);
            vlCache.Truncate(context);
        });

        using var textCache = model.CreateCache(initialCapacity: context + 1);
        using (var scope = NewDisposeScope())
            model.LanguageModel.Forward(randint(0, config.VisionStartTokenId, [1, context], dtype: ScalarType.Int64), textCache);
        var textSeconds = LmBenchmark.BestSeconds(decodeSteps, () =>
        {
            model.LanguageModel.Forward(next, textCache);
            textCache.Truncate(context);
        });
        return new Timings(name, imageSide, processed.Rows, imageTokens, processorSeconds, visionSeconds, VisionFlops(vision, processed.Grid), context, vlSeconds, textSeconds);
    }

    /// <summary>
    /// Matrix-product FLOPs (2·m·n·k each) of the tower on one image: patch embedding, per block the qkv, output and MLP
    /// projections and the attention scores and mixing inside each window (or the whole frame), and the merger's two layers.
    /// </summary>
    private static double VisionFlops(Qwen25VLVisionConfig config, ImageGrid grid)
    {
        double patches = grid.Patches, hidden = config.HiddenSize;
        var layout = VisionPatchLayout.For([grid], config);
        double WindowAttention(IEnumerable<int> lengths) => lengths.Sum(length => 2.0 * 2.0 * length * (double)length * hidden);
        var perBlock = patches * (2 * hidden * 3 * hidden + 2 * hidden * hidden + 3 * 2 * hidden * config.IntermediateSize);
        var attention = Enumerable.Range(0, config.Depth)
            .Sum(block => WindowAttention(config.FullAttentionBlockIndexes.Contains(block) ? layout.FrameLengths : layout.WindowLengths));
        double merged = patches / config.MergeUnit, mergedWidth = hidden * config.MergeUnit;
        return 2 * patches * config.PatchRowWidth * hidden + config.Depth * perBlock + attention
            + 2 * merged * mergedWidth * mergedWidth + 2 * merged * mergedWidth * config.OutHiddenSize;
    }

    private static Image NoiseImage(int side)
    {
        var data = new byte[side * side * Image.Channels];
        new Random(1).NextBytes(data);
        return new Image(side, side, data);
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
