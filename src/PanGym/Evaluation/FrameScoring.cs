using PanGym.Gym;

namespace PanGym.Evaluation;

/// <summary>
/// Scores a predicted frame against the truth by pixels and by what the environment's probe reads out of it (PAN §7:
/// action fidelity, state error, consistency): the scoring <see cref="DynamicsEvaluator"/> applies to every step, for
/// scoring frames of your own.
/// </summary>
/// <param name="probe">The environment's state probe.</param>
/// <param name="frameSize">Side of the frames; the position error of a missing object.</param>
/// <param name="config">The tolerances.</param>
public sealed class FrameScoring(IStateProbe probe, int frameSize, EvaluationConfig config)
{
    readonly IStateProbe _probe = probe ?? throw new ArgumentNullException(nameof(probe));
    readonly int _frameSize = frameSize >= 1 ? frameSize : throw new ArgumentOutOfRangeException(nameof(frameSize), frameSize, "The frame side must be positive.");
    readonly EvaluationConfig _config = config ?? throw new ArgumentNullException(nameof(config));

    /// <summary>
    /// The scores of <paramref name="predicted"/> against <paramref name="truth"/>, where the true objects are at
    /// <paramref name="positions"/> after moving by <paramref name="displacements"/> (null: no action fidelity, as in a
    /// rollout) and the truth's probe found <paramref name="truthObjects"/>.
    /// </summary>
    public FrameScore Score(Image predicted, Image truth, IReadOnlyDictionary<string, (double X, double Y)> positions,
        IReadOnlyDictionary<string, (double Dx, double Dy)>? displacements, IReadOnlyList<ProbedObject> truthObjects)
    {
        ArgumentNullException.ThrowIfNull(predicted);
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(positions);
        ArgumentNullException.ThrowIfNull(truthObjects);
        var found = _probe.Probe(predicted).ToDictionary(o => o.Name);
        bool faithful = found.Count == positions.Count;
        bool onTrack = faithful;
        double errorSum = 0;
        int missing = 0;
        foreach (var (name, (x, y)) in positions)
        {
            if (!found.TryGetValue(name, out var seen))
            {
                missing++;
                errorSum += _frameSize;
                faithful = false;
                onTrack = false;
                continue;
            }
            double miss = Math.Sqrt((seen.X - x) * (seen.X - x) + (seen.Y - y) * (seen.Y - y));
            errorSum += miss;
            if (miss > _config.RolloutTolerance) onTrack = false;
            if (displacements is not null)
            {
                var (dx, dy) = displacements.TryGetValue(name, out var d) ? d : (0, 0);
                if (miss > _config.AllowedMiss(Math.Sqrt(dx * dx + dy * dy))) faithful = false;
            }
        }
        bool consistent = found.Count == truthObjects.Count && truthObjects.All(t =>
            found.TryGetValue(t.Name, out var seen) && Math.Abs(seen.Area - t.Area) <= _config.AreaTolerance * t.Area);
        int count = Math.Max(1, positions.Count);
        return new FrameScore(
            PixelError.MeanSquaredError(predicted, truth),
            StructuralSimilarity.Compute(predicted, truth),
            displacements is not null && faithful,
            errorSum / count,
            (double)missing / count,
            consistent,
            onTrack,
            SharpnessRatio(predicted, truth));
    }

    /// <summary>
    /// The predicted frame's high-frequency energy over the true frame's; the true energy is floored at 1 (one byte
    /// level squared), so that a flat true frame gives a finite ratio.
    /// </summary>
    static double SharpnessRatio(Image predicted, Image truth) =>
        Sharpness.HighFrequencyEnergy(predicted) / Math.Max(1, Sharpness.HighFrequencyEnergy(truth));
}
