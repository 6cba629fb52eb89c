using PanGym.Backbone;
using PanGym.Backbone.ImageProcessing;
using PanGym.Backbone.Qwen25VL;
using PanGym.Gym;
using static TorchSharp.torch;

namespace PanGym.Bench;

/// <summary>
/// The Qwen2.5-VL part of <see cref="LmBenchmark"/>: the vision tower's time per image and achieved GFLOP/s, and the cached
/// decode step of the language model after an image prompt (M-RoPE positions, rope delta) beside the same language
/// model's text-only decode step at the same context, with random weights.
/// </summary>
public static class VisionLanguageBenchmark
{
    /// <summary>The vision-language presets: a tiny one, and Qwen2.5-VL's released vision tower before a Qwen2.5-0.5B-shaped language model.</summary>
    public static IReadOnlyDictionary<string, Qwen25VLConfig> Presets { get; } = new Dictionary<string, Qwen25VLConfig>(StringComparer.OrdinalIgnoreCase)
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
    public const int TextTokens = 16;

    /// <summary>Times the processor, the tower and the decode steps of <paramref name="config"/> (random weights) on a noise image of side <paramref name="imageSide"/>.</summary>
    internal static VisionLanguageTiming Measure(string name, Qwen25VLConfig config, int imageSide, int decodeSteps, int repetitions)
    {
        using var noGrad = no_grad();
        using var model = new Qwen25VLModel(config);
        model.eval();
        var vision = config.Vision;
        var processor = new Qwen2VLImageProcessor(new Qwen2VLImageProcessorConfig(minPixels: vision.PatchSize * vision.PatchSize * vision.MergeUnit,
            maxPixels: 4 * imageSide * imageSide, patchSize: vision.PatchSize, temporalPatchSize: vision.TemporalPatchSize, mergeSize: vision.SpatialMergeSize));
        var image = NoiseImage(imageSide);
        var processed = processor.Process(image);
        var processorSeconds = LmBenchmark.Best(repetitions, () => processor.Process(image));
        model.EncodeImages([processed]).Dispose();
        var visionSeconds = LmBenchmark.Best(repetitions, () => model.EncodeImages([processed]));

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
        var vlSeconds = LmBenchmark.Best(decodeSteps, () =>
        {
            model.DecodeStep(next, vlCache, delta);
            vlCache.Truncate(context);
        });

        using var textCache = model.CreateCache(initialCapacity: context + 1);
        using (var scope = NewDisposeScope())
            model.LanguageModel.Forward(randint(0, config.VisionStartTokenId, [1, context], dtype: ScalarType.Int64), textCache);
        var textSeconds = LmBenchmark.Best(decodeSteps, () =>
        {
            model.LanguageModel.Forward(next, textCache);
            textCache.Truncate(context);
        });
        return new VisionLanguageTiming(name, imageSide, processed.Rows, imageTokens, processorSeconds, visionSeconds, VisionFlops(vision, processed.Grid), context, vlSeconds, textSeconds);
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
}
