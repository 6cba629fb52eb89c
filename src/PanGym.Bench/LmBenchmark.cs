using PanGym.Backbone;
using static TorchSharp.torch;

namespace PanGym.Bench;

/// <summary>
/// <c>pangym bench lm</c>: per-token decode time with and without the KV cache at several context lengths, prefill
/// throughput, and the achieved GFLOP/s (matrix-product FLOPs of the forward pass) beside a 1024² float32 matmul
/// measured in the same run, for the Tiny preset and for Qwen2.5-0.5B's shape with random weights; and for the
/// Qwen2.5-VL presets the vision tower's cost per image and the VL decode step beside the text one
/// (<see cref="VisionLanguageBenchmark"/>). <see cref="LmBenchmarkTables"/> prints the result.
/// </summary>
public static class LmBenchmark
{
    /// <summary>A measurement repeats until it has used this much time (at least once, at most its repetition cap).</summary>
    public const double SecondsPerMeasurement = 2.0;

    /// <summary>The text presets: Qwen2's tiny test shape and Qwen2.5-0.5B's shape.</summary>
    public static IReadOnlyDictionary<string, Qwen2Config> TextPresets { get; } = new Dictionary<string, Qwen2Config>(StringComparer.OrdinalIgnoreCase)
    {
        ["tiny"] = Qwen2Config.Tiny,
        ["qwen2.5-0.5b"] = Qwen2Config.Qwen2_5_0_5B,
    };

    /// <summary>The vision-language presets (see <see cref="VisionLanguageBenchmark.Presets"/>).</summary>
    public static IReadOnlyDictionary<string, Backbone.Qwen25VL.Qwen25VLConfig> VisionLanguagePresets => VisionLanguageBenchmark.Presets;

    /// <summary>Every preset's name, text presets first.</summary>
    public static IReadOnlyList<string> AllPresets { get; } = [.. TextPresets.Keys, .. VisionLanguageBenchmark.Presets.Keys];

    /// <summary>Measures the presets that <paramref name="options"/> list.</summary>
    public static LmBenchmarkResult Run(LmBenchmarkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        using var noGrad = no_grad();
        var peak = MatmulPeak.MeasureGflops();
        var text = new List<LmContextTiming>();
        foreach (var name in options.Presets.Where(TextPresets.ContainsKey))
        {
            using var model = new Qwen2Model(TextPresets[name]);
            model.eval();
            Warmup(model);
            text.AddRange(options.Contexts.Select(context => MeasureContext(name, model, context, options.DecodeSteps, options.Repetitions)));
        }
        var visionLanguage = options.Presets.Where(VisionLanguageBenchmark.Presets.ContainsKey)
            .Select(name => VisionLanguageBenchmark.Measure(name, VisionLanguageBenchmark.Presets[name], options.ImageSize, options.DecodeSteps, options.Repetitions))
            .ToList();
        return new LmBenchmarkResult(options, get_num_threads(), peak, text, visionLanguage);
    }

    static LmContextTiming MeasureContext(string preset, Qwen2Model model, int context, int decodeSteps, int repetitions)
    {
        using var scope = NewDisposeScope();
        var config = model.Config;
        var ids = randint(0, config.VocabSize, [1, context + 1], dtype: ScalarType.Int64);
        var history = ids.narrow(1, 0, context);
        var next = ids.narrow(1, context, 1);

        KvCache? cache = null;
        try
        {
            var prefillSeconds = Best(repetitions, () =>
            {
                cache?.Dispose();
                cache = model.CreateCache(batchSize: 1, initialCapacity: context + 1);
                var hidden = model.ForwardEmbeddings(model.Embed(history), cache);
                model.Logits(hidden.narrow(1, context - 1, 1));
            });
            var cachedSeconds = Best(decodeSteps, () =>
            {
                model.Forward(next, cache);
                cache!.Truncate(context);
            });
            var uncachedSeconds = Best(repetitions, () =>
            {
                var hidden = model.ForwardEmbeddings(model.Embed(ids));
                model.Logits(hidden.narrow(1, context, 1));
            });
            return new LmContextTiming(preset, context, cachedSeconds, uncachedSeconds, prefillSeconds,
                CachedFlops: MatmulFlops(config, newTokens: 1, keys: context + 1),
                UncachedFlops: MatmulFlops(config, newTokens: context + 1, keys: context + 1),
                PrefillFlops: MatmulFlops(config, newTokens: context, keys: context));
        }
        finally
        {
            cache?.Dispose();
        }
    }

    /// <summary>
    /// Matrix-product FLOPs (2·m·n·k each) of a forward pass over <paramref name="newTokens"/> positions that attend
    /// over <paramref name="keys"/> keys each (the eager attention computes the full score matrix, masked or not),
    /// with logits for one position.
    /// </summary>
    static double MatmulFlops(Qwen2Config config, long newTokens, long keys)
    {
        double hidden = config.HiddenSize, queryWidth = config.NumAttentionHeads * config.HeadDim, kvWidth = config.NumKeyValueHeads * config.HeadDim;
        var projections = 2 * hidden * queryWidth + 2 * 2 * hidden * kvWidth + 2 * queryWidth * hidden + 3 * 2 * hidden * config.IntermediateSize;
        var attention = 2 * 2 * (double)keys * queryWidth;
        return config.NumHiddenLayers * newTokens * (projections + attention) + 2 * hidden * config.VocabSize;
    }

    /// <summary>The fastest of up to <paramref name="maxRuns"/> runs, stopping once they have used <see cref="SecondsPerMeasurement"/> (at least one run).</summary>
    internal static double Best(int maxRuns, Action run) => BenchTiming.Fastest(run, maxRuns, SecondsPerMeasurement);

    static void Warmup(Qwen2Model model)
    {
        using var scope = NewDisposeScope();
        using var cache = model.CreateCache();
        var ids = randint(0, model.Config.VocabSize, [1, 8], dtype: ScalarType.Int64);
        model.Forward(ids, cache);
        model.Forward(ids.narrow(1, 0, 1), cache);
    }
}
