using PanGym.Planning;

namespace PanGym.Bench;

/// <summary>
/// What <see cref="WorldModelBenchmark"/> measures (<c>pangym bench</c>'s settings): which model, the batch sizes B of
/// imagination, the imagined horizon, the shared history the trajectories branch from, the decoder's solver steps K and
/// the planner decisions timed. Validated once, at construction.
/// </summary>
public sealed record WorldModelBenchmarkOptions
{
    /// <summary>Options.</summary>
    /// <param name="preset">World-model preset with random weights (speed only) when no <paramref name="checkpoint"/> is given: tiny or small.</param>
    /// <param name="checkpoint">A world-model checkpoint folder (or training output folder) to measure instead.</param>
    /// <param name="batchSizes">Batch sizes B of imagination, each at least 1.</param>
    /// <param name="horizon">Imagined steps per trajectory (default: CEM's horizon).</param>
    /// <param name="historyTurns">Turns of shared history the trajectories branch from.</param>
    /// <param name="decodeSteps">Solver steps K per decoded frame, each at least 1.</param>
    /// <param name="decisions">Planner decisions timed per planner.</param>
    public WorldModelBenchmarkOptions(string preset = "small", string? checkpoint = null, IReadOnlyList<int>? batchSizes = null, int? horizon = null,
        int historyTurns = 2, IReadOnlyList<int>? decodeSteps = null, int decisions = 4)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(preset);
        batchSizes ??= [1, 16, 256];
        decodeSteps ??= [1, 4, 16];
        int steps = horizon ?? CemConfig.Default.Horizon;
        if (batchSizes.Count == 0 || batchSizes.Any(b => b < 1)) throw new ArgumentException($"--batches must be positive integers, got {string.Join(",", batchSizes)}.");
        if (decodeSteps.Count == 0 || decodeSteps.Any(k => k < 1)) throw new ArgumentException($"--decode-steps must be positive integers, got {string.Join(",", decodeSteps)}.");
        if (steps < 1) throw new ArgumentException($"--horizon must be at least 1, got {steps}.");
        if (historyTurns < 0) throw new ArgumentException($"--history must be at least 0, got {historyTurns}.");
        if (decisions < 1) throw new ArgumentException($"--decisions must be at least 1, got {decisions}.");
        (Preset, Checkpoint, BatchSizes, Horizon, HistoryTurns, DecodeSteps, Decisions) = (preset, checkpoint, [.. batchSizes], steps, historyTurns, [.. decodeSteps], decisions);
    }

    /// <summary>The preset measured when no checkpoint is given.</summary>
    public string Preset { get; }

    /// <summary>The checkpoint measured instead of a preset, if any.</summary>
    public string? Checkpoint { get; }

    /// <summary>Batch sizes B of imagination.</summary>
    public IReadOnlyList<int> BatchSizes { get; }

    /// <summary>Imagined steps per trajectory.</summary>
    public int Horizon { get; }

    /// <summary>Turns of shared history.</summary>
    public int HistoryTurns { get; }

    /// <summary>Solver steps K per decoded frame.</summary>
    public IReadOnlyList<int> DecodeSteps { get; }

    /// <summary>Planner decisions timed per planner.</summary>
    public int Decisions { get; }
}
