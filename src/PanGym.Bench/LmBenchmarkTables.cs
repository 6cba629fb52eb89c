using System.Globalization;
using Spectre.Console;

namespace PanGym.Bench;

/// <summary>Prints an <see cref="LmBenchmarkResult"/> as <c>pangym bench lm</c>'s tables: the text presets with their ratio lines, then the Qwen2.5-VL presets.</summary>
public static class LmBenchmarkTables
{
    static readonly CultureInfo _invariant = CultureInfo.InvariantCulture;

    /// <summary>Writes the tables that have rows, each with its note on how it was measured.</summary>
    public static void Write(IAnsiConsole console, LmBenchmarkResult result)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(result);
        if (result.Text.Count > 0) WriteText(console, result);
        if (result.VisionLanguage.Count > 0) WriteVisionLanguage(console, result);
    }

    static void WriteText(IAnsiConsole console, LmBenchmarkResult result)
    {
        var options = result.Options;
        var table = new Table().Title($"pangym bench lm (float32, {result.Threads} threads; 1024² float32 matmul peak {result.MatmulPeakGflops:F1} GFLOP/s)");
        table.AddColumns("preset", "context", "decode cached ms/token", "decode uncached ms/token", "prefill tokens/s",
            "GFLOP/s cached", "GFLOP/s uncached", "GFLOP/s prefill");
        foreach (var row in result.Text)
            table.AddRow(row.Preset, row.Context.ToString(_invariant), Milliseconds(row.CachedSeconds), Milliseconds(row.UncachedSeconds),
                (row.Context / row.PrefillSeconds).ToString("F0", _invariant),
                Gflops(row.CachedFlops, row.CachedSeconds), Gflops(row.UncachedFlops, row.UncachedSeconds), Gflops(row.PrefillFlops, row.PrefillSeconds));
        console.Write(table);
        foreach (var preset in result.Text.GroupBy(row => row.Preset)) console.WriteLine(Ratios(preset.Key, [.. preset]));
        console.WriteLine($"Cached: the fastest of up to {options.DecodeSteps} single-token steps on a cache holding the context (truncated back after each). " +
            $"Uncached: one forward over context + 1 tokens, logits of the last only. Prefill: context tokens into an empty cache. " +
            $"Uncached and prefill: the fastest of up to {options.Repetitions} runs; every measurement stops once it has used {LmBenchmark.SecondsPerMeasurement:F0} s " +
            "(the fastest run is the estimate least disturbed by other processes on shared cores). " +
            "GFLOP/s counts the matrix products (projections, MLP, attention scores and mixing over the keys actually computed, the head).");
    }

    static void WriteVisionLanguage(IAnsiConsole console, LmBenchmarkResult result)
    {
        var options = result.Options;
        console.Profile.Width = Math.Max(console.Profile.Width, 190);
        var table = new Table().Title($"pangym bench lm, Qwen2.5-VL (float32, {result.Threads} threads; 1024² float32 matmul peak {result.MatmulPeakGflops:F1} GFLOP/s)");
        table.AddColumns("preset", "image", "patches", "image tokens", "processor ms/image", "vision ms/image", "vision GFLOP/s", "context",
            "VL decode ms/token", "text decode ms/token", "VL / text");
        foreach (var row in result.VisionLanguage)
            table.AddRow(row.Preset, $"{row.ImageSide}²", row.Patches.ToString(_invariant), row.ImageTokens.ToString(_invariant),
                Milliseconds(row.ProcessorSeconds), Milliseconds(row.VisionSeconds), Gflops(row.VisionFlops, row.VisionSeconds), row.Context.ToString(_invariant),
                Milliseconds(row.VisionLanguageDecodeSeconds), Milliseconds(row.TextDecodeSeconds),
                (row.VisionLanguageDecodeSeconds / row.TextDecodeSeconds).ToString("F2", _invariant));
        console.Write(table);
        console.WriteLine($"Processor: smart_resize (and a resize where needed), rescale, normalise and patch rows of one {options.ImageSize}×{options.ImageSize} RGB image. " +
            $"Vision: the fastest of up to {options.Repetitions} runs of the tower on it (patch embedding, window and full attention, merger); " +
            "GFLOP/s counts its matrix products, attention over each window or frame only. " +
            $"VL decode: one cached step after a prompt of the image's tokens and {VisionLanguageBenchmark.TextTokens} text tokens, at position L + rope delta; " +
            $"text decode: the same language model's step at the same context with 1-D positions (the Qwen2 path); the fastest of up to {options.DecodeSteps}.");
    }

    static string Ratios(string preset, IReadOnlyList<LmContextTiming> rows)
    {
        var shortest = rows.MinBy(row => row.Context)!;
        var longest = rows.MaxBy(row => row.Context)!;
        return $"{preset}: uncached/cached at {longest.Context} = {longest.UncachedSeconds / longest.CachedSeconds:F1}x; " +
            $"cached {longest.Context} vs {shortest.Context} = {longest.CachedSeconds / shortest.CachedSeconds:F2}x; " +
            $"uncached {longest.Context} vs {shortest.Context} = {longest.UncachedSeconds / shortest.UncachedSeconds:F1}x";
    }

    static string Milliseconds(double seconds) => (seconds * 1000).ToString(seconds < 0.01 ? "F3" : "F1", _invariant);

    static string Gflops(double flops, double seconds) => (flops / seconds / 1e9).ToString("F1", _invariant);
}
