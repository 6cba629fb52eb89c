namespace PanGym.Bench;

/// <summary>What <see cref="LmBenchmark"/> measured.</summary>
/// <param name="Options">The settings it ran with.</param>
/// <param name="Threads">libtorch's intra-op threads.</param>
/// <param name="MatmulPeakGflops">The 1024² float32 matmul peak, measured in the same run.</param>
/// <param name="Text">The text presets, one row per preset and context.</param>
/// <param name="VisionLanguage">The Qwen2.5-VL presets, one row each.</param>
public sealed record LmBenchmarkResult(LmBenchmarkOptions Options, int Threads, double MatmulPeakGflops, IReadOnlyList<LmContextTiming> Text,
    IReadOnlyList<VisionLanguageTiming> VisionLanguage);
