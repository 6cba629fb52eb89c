namespace PanGym.Bench;

/// <summary>
/// What <see cref="LmBenchmark"/> measures (<c>pangym bench lm</c>'s settings): the presets, the context lengths, how
/// many cached decode steps and uncached runs are timed, and the image side of the Qwen2.5-VL presets. Validated once.
/// </summary>
public sealed record LmBenchmarkOptions
{
    /// <summary>Options.</summary>
    /// <param name="presets">Presets among <see cref="LmBenchmark.TextPresets"/> and <see cref="LmBenchmark.VisionLanguagePresets"/>.</param>
    /// <param name="contexts">Context lengths of the text presets, each at least 1.</param>
    /// <param name="decodeSteps">Most cached decode steps timed per context (the fastest is reported).</param>
    /// <param name="repetitions">Most runs of each uncached forward, prefill or tower pass.</param>
    /// <param name="imageSize">Side in pixels of the image the Qwen2.5-VL presets encode, at least 28.</param>
    public LmBenchmarkOptions(IReadOnlyList<string> presets, IReadOnlyList<int>? contexts = null, int decodeSteps = 8, int repetitions = 3, int imageSize = 224)
    {
        ArgumentNullException.ThrowIfNull(presets);
        contexts ??= [16, 64, 256, 1024];
        if (presets.Count == 0 || presets.Any(name => !LmBenchmark.AllPresets.Contains(name, StringComparer.OrdinalIgnoreCase)))
            throw new ArgumentException($"--presets must list some of {string.Join(", ", LmBenchmark.AllPresets)}.");
        if (imageSize < 28) throw new ArgumentException("--image-size must be at least 28 pixels.");
        if (contexts.Count == 0 || contexts.Any(c => c < 1)) throw new ArgumentException("--contexts must be positive integers, e.g. 16,64,256,1024.");
        if (decodeSteps < 1 || repetitions < 1) throw new ArgumentException("--decode-steps and --repetitions must be at least 1.");
        (Presets, Contexts, DecodeSteps, Repetitions, ImageSize) = ([.. presets], [.. contexts], decodeSteps, repetitions, imageSize);
    }

    /// <summary>The presets, in order.</summary>
    public IReadOnlyList<string> Presets { get; }

    /// <summary>Context lengths of the text presets.</summary>
    public IReadOnlyList<int> Contexts { get; }

    /// <summary>Most cached decode steps timed per context.</summary>
    public int DecodeSteps { get; }

    /// <summary>Most runs of each uncached measurement.</summary>
    public int Repetitions { get; }

    /// <summary>Side of the Qwen2.5-VL presets' image.</summary>
    public int ImageSize { get; }
}
