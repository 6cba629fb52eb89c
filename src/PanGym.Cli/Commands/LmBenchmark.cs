using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using PanGym.Backbone;
using Spectre.Console;
using static TorchSharp.torch;

namespace PanGym.Cli.Commands;

/// <summary>
/// <c>pangym bench lm</c>: per-token decode time with and without the KV cache at several context lengths, prefill
/// throughput, and the achieved GFLOP/s (matrix-product FLOPs of the forward pass) beside a 1024² float32 matmul
/// measured in the same run, for the Tiny preset and for Qwen2.5-0.5B's shape with random weights; and for the
/// Qwen2.5-VL presets the vision tower's cost per image and the VL decode step beside the text one
/// (<see cref="VisionLanguageBenchmark"/>).
/// </summary>
internal static class LmBenchmark
{
    /// <summary>A measurement repeats until it has used this much time (at least once, at most its repetition cap).</summary>
    private const double SecondsPerMeasurement = 2.0;

    private static readonly Dictionary<string, Qwen2Config> _presets = new(StringComparer.OrdinalIgnoreCase)
    {
        ["tiny"] = Qwen2Config.Tiny,
        ["qwen2.5-0.5b"] = Qwen2Config.Qwen2_5_0_5B,
    };

    public static Command CreateCommand()
    {
        var allPresets = _presets.Keys.Concat(VisionLanguageBenchmark.Presets.Keys).ToArray();
        var presets = new Option<string>("--presets") { Description = $"Comma-separated presets: {string.Join(", ", allPresets)}.", DefaultValueFactory = _ => string.Join(",", allPresets) };
        var imageSize = new Option<int>("--image-size") { Description = "Side in pixels of the image the Qwen2.5-VL presets encode.", DefaultValueFactory = _ => 224 };
        var contexts = new Option<string>("--contexts") { Description = "Comma-separated context lengths.", DefaultValueFactory = _ => "16,64,256,1024" };
        var decodeSteps = new Option<int>("--decode-steps") { Description = "Most cached decode steps timed per context (the fastest is reported).", DefaultValueFactory = _ => 8 };
        var repetitions = new Option<int>("--repetitions") { Description = "Most runs of each uncached forward / prefill (the fastest is reported).", DefaultValueFactory = _ => 3 };
        var threads = ThreadsOption.Create();
        var command = new Command("lm", "Decode and prefill speed of the Qwen2 backbone, with and without the KV cache; Qwen2.5-VL's vision tower per image and its decode step.")
        {
            presets, contexts, decodeSteps, repetitions, threads, imageSize,
        };
        command.SetAction(parse =>
        {
            var error = parse.InvocationConfiguration.Error;
            if (!TryParseList(parse.GetValue(presets)!, name => allPresets.Contains(name, StringComparer.OrdinalIgnoreCase), out var presetNames) || presetNames.Count == 0)
            {
                error.WriteLine($"error: --presets must list some of {string.Join(", ", allPresets)}.");
                return 1;
            }
            if (parse.GetValue(imageSize) < 28)
            {
                error.WriteLine("error: --image-size must be at least 28 pixels.");
                return 1;
            }
            if (!TryParseList(parse.GetValue(contexts)!, text => int.TryParse(text, out var value) && value > 0, out var contextTexts) || contextTexts.Count == 0)
            {
                error.WriteLine("error: --contexts must be positive integers, e.g. 16,64,256,1024.");
                return 1;
            }
            if (parse.GetValue(decodeSteps) < 1 || parse.GetValue(repetitions) < 1)
            {
                error.WriteLine("error: --decode-steps and --repetitions must be at least 1.");
                return 1;
            }
            var console = CliConsole.Create(parse.InvocationConfiguration.Output, 150);
            ThreadsOption.Apply(parse.GetValue(threads));
            Run(console, presetNames, contextTexts.Select(int.Parse).ToArray(), parse.GetValue(decodeSteps), parse.GetValue(repetitions), parse.GetValue(imageSize));
            return 0;
        });
        return command;
    }

    private static void Run(IAnsiConsole console, IReadOnlyList<string> presetNames, int[] contexts, int decodeSteps, int repetitions, int imageSize)
    {
        using var noGrad = no_grad();
        var peak = MatmulPeak.MeasureGflops();
        var textPresets = presetNames.Where(_presets.ContainsKey).ToList();
        var visionLanguagePresets = presetNames.Where(VisionLanguageBenchmark.Presets.ContainsKey).ToList();
        if (textPresets.Count > 0) RunText(console, textPresets, contexts, decodeSteps, repetitions, peak);
        if (visionLanguagePresets.Count > 0) VisionLanguageBenchmark.Run(console, visionLanguagePresets, imageSize, decodeSteps, repetitions, peak);
    }

    private static void RunText(IAnsiConsole console, IReadOnlyList<string> presetNames, int[] contexts, int decodeSteps, int repetitions, double peak)
    {
        var table = new Table().Title($"pangym bench lm (float32, {get_num_threads()} threads; 1024² float32 matmul peak {peak:F1} GFLOP/s)");
        table.AddColumns("preset", "context", "decode cached ms/token", "decode uncached ms/token", "prefill tokens/s",
            "GFLOP/s cached", "GFLOP/s uncached", "GFLOP/s prefill");
        var ratios = new List<string>();
        foreach (var presetName in presetNames)
        {
            var config = _presets[presetName];
            using var model = new Qwen2Model(config);
            model.eval();
            Warmup(model);
            var rows = contexts.Select(context => MeasureContext(model, context, decodeSteps, repetitions)).ToList();
            foreach (var row in rows)
            {
                table.AddRow(presetName, row.Context.ToString(CultureInfo.InvariantCulture),
                    Milliseconds(row.CachedSeconds), Milliseconds(row.UncachedSeconds),
                    (row.Context / row.PrefillSeconds).ToString("F0", CultureInfo.InvariantCulture),
                    Gflops(row.CachedFlops, row.CachedSeconds), Gflops(row.UncachedFlops, row.UncachedSeconds), Gflops(row.PrefillFlops, row.PrefillSeconds));
            }
            ratios.Add(Ratios(presetName, rows));
        }
        console.Write(table);
        foreach (var line in ratios) console.WriteLine(line);
        console.WriteLine($"Cached: the fastest of up to {decodeSteps} single-token steps on a cache holding the context (truncated back after each). " +
            $"Uncached: one forward over context + 1 tokens, logits of the last only. Prefill: context tokens into an empty cache. " +
            $"Uncached and prefill: the fastest of up to {repetitions} runs; every measurement stops once it has used {SecondsPerMeasurement:F0} s " +
            "(the fastest run is the estimate least disturbed by other processes on shared cores). " +
            "GFLOP/s counts the matrix products (projections, MLP, attention scores and mixing over the keys actually computed, the head).");
    }

    private sealed record ContextTimings(int Context, double CachedSeconds, double UncachedSeconds, double PrefillSeconds,
        double CachedFlops, double UncachedFlops, double PrefillFlops);

    private static ContextTimings MeasureContext(Qwen2Model model, int context, int decodeSteps, int repetitions)
    {
        using var scope = NewDisposeScope();
        var config = model.Config;
        var ids = randint(0, config.VocabSize, [1, context + 1], dtype: ScalarType.Int64);
        var history = ids.narrow(1, 0, context);
        var next = ids.narrow(1, context, 1);

        KvCache? cache = null;
        try
        {
            var prefillSeconds = BestSeconds(repetitions, () =>
            {
                cache?.Dispose();
                cache = model.CreateCache(batchSize: 1, initialCapacity: context + 1);
                var hidden = model.ForwardEmbeddings(model.Embed(history), cache);
                model.Logits(hidden.narrow(1, context - 1, 1));
            });
            var cachedSeconds = BestSeconds(decodeSteps, () =>
            {
                model.Forward(next, cache);
                cache!.Truncate(context);
            });
            var uncachedSeconds = BestSeconds(repetitions, () =>
            {
                var hidden = model.ForwardEmbeddings(model.Embed(ids));
                model.Logits(hidden.narrow(1, context, 1));
            });
            return new ContextTimings(context, cachedSeconds, uncachedSeconds, prefillSeconds,
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
    private static double MatmulFlops(Qwen2Config config, long newTokens, long keys)
    {
        double hidden = config.HiddenSize, queryWidth = config.NumAttentionHeads * config.HeadDim, kvWidth = config.NumKeyValueHeads * config.HeadDim;
        var projections = 2 * hidden * queryWidth + 2 * 2 * hidden * kvWidth + 2 * queryWidth * hidden + 3 * 2 * hidden * config.IntermediateSize;
        var attention = 2 * 2 * (double)keys * queryWidth;
        return config.NumHiddenLayers * newTokens * (projections + attention) + 2 * hidden * config.VocabSize;
    }

    /// <summary>The fastest of up to <paramref name="maxRuns"/> runs, stopping once they have used <see cref="SecondsPerMeasurement"/> (at least one run).</summary>
    internal static double BestSeconds(int maxRuns, Action run)
    {
        var times = new List<double>();
        var total = 0.0;
        while (times.Count < maxRuns && (times.Count == 0 || total < SecondsPerMeasurement))
        {
            using var scope = NewDisposeScope();
            var start = Stopwatch.GetTimestamp();
            run();
            var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            times.Add(seconds);
            total += seconds;
        }
        return times.Min();
    }

    private static void Warmup(Qwen2Model model)
    {
        using var scope = NewDisposeScope();
        using var cache = model.CreateCache();
        var ids = randint(0, model.Config.VocabSize, [1, 8], dtype: ScalarType.Int64);
        model.Forward(ids, cache);
        model.Forward(ids.narrow(1, 0, 1), cache);
    }

    private static string Ratios(string presetName, List<ContextTimings> rows)
    {
        var shortest = rows.MinBy(row => row.Context)!;
        var longest = rows.MaxBy(row => row.Context)!;
        return $"{presetName}: uncached/cached at {longest.Context} = {longest.UncachedSeconds / longest.CachedSeconds:F1}x; " +
            $"cached {longest.Context} vs {shortest.Context} = {longest.CachedSeconds / shortest.CachedSeconds:F2}x; " +
            $"uncached {longest.Context} vs {shortest.Context} = {longest.UncachedSeconds / shortest.UncachedSeconds:F1}x";
    }

    internal static string Milliseconds(double seconds) => (seconds * 1000).ToString(seconds < 0.01 ? "F3" : "F1", CultureInfo.InvariantCulture);

    internal static string Gflops(double flops, double seconds) => (flops / seconds / 1e9).ToString("F1", CultureInfo.InvariantCulture);

    private static bool TryParseList(string text, Func<string, bool> isValid, out List<string> items)
    {
        items = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();
        return items.All(isValid);
    }
}
