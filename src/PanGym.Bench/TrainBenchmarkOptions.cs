using System.Globalization;
using PanGym.WorldModel;

namespace PanGym.Bench;

/// <summary>
/// What <see cref="TrainBenchmark"/> measures (<c>pangym bench train</c>'s settings): the preset, the ranks compared
/// with one, libtorch threads per rank, the per-rank batch (weak scaling), the window, and the timed and warm-up steps.
/// Validated once, at construction.
/// </summary>
public sealed record TrainBenchmarkOptions
{
    /// <summary>Options.</summary>
    /// <param name="preset">World-model preset: tiny or small.</param>
    /// <param name="ranks">Ranks N of the job compared with one rank, at least 2.</param>
    /// <param name="threads">libtorch threads per rank, the same for every job.</param>
    /// <param name="batchPerRank">Windows per rank per step; the global batch is N times it.</param>
    /// <param name="window">Actions per training window.</param>
    /// <param name="steps">Timed steps per job.</param>
    /// <param name="warmup">Untimed steps first (one-time costs), at least 1.</param>
    public TrainBenchmarkOptions(string preset = "small", int ranks = 2, int threads = 1, int batchPerRank = 4, int window = 4, int steps = 10, int warmup = 2)
    {
        Model = WorldModelConfig.FromPreset(preset);
        if (ranks < 2) throw new ArgumentException($"--ranks must be at least 2 (it is compared with one rank), got {ranks}.");
        if (threads < 1) throw new ArgumentException($"--threads must be at least 1, got {threads}.");
        if (batchPerRank < 1) throw new ArgumentException($"--batch-per-rank must be at least 1, got {batchPerRank}.");
        if (window < 1) throw new ArgumentException($"--window must be at least 1, got {window}.");
        if (steps < 1) throw new ArgumentException($"--steps must be at least 1, got {steps}.");
        if (warmup < 1) throw new ArgumentException($"--warmup must be at least 1, got {warmup}.");
        (Preset, Ranks, Threads, BatchPerRank, Window, Steps, Warmup) = (preset.ToLowerInvariant(), ranks, threads, batchPerRank, window, steps, warmup);
    }

    /// <summary>The preset's world-model configuration.</summary>
    public WorldModelConfig Model { get; }

    /// <summary>The preset's name.</summary>
    public string Preset { get; }

    /// <summary>Ranks N of the job compared with one rank.</summary>
    public int Ranks { get; }

    /// <summary>libtorch threads per rank.</summary>
    public int Threads { get; }

    /// <summary>Windows per rank per step.</summary>
    public int BatchPerRank { get; }

    /// <summary>Actions per training window.</summary>
    public int Window { get; }

    /// <summary>Timed steps per job.</summary>
    public int Steps { get; }

    /// <summary>Untimed steps first.</summary>
    public int Warmup { get; }

    /// <summary>The options a worker job is launched with, as the bench tool's <c>train</c> command takes them.</summary>
    internal IEnumerable<string> Arguments() =>
    [
        "--preset", Preset, "--ranks", Invariant(Ranks), "--threads", Invariant(Threads), "--batch-per-rank", Invariant(BatchPerRank),
        "--window", Invariant(Window), "--steps", Invariant(Steps), "--warmup", Invariant(Warmup),
    ];

    static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
