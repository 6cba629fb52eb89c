namespace PanGym.Evaluation;

/// <summary>
/// Long-horizon drift of a predictor's autoregressive rollouts against the truth: at each horizon h = 1 … H (index
/// h − 1), the errors of the h-th imagined frame, each a mean over episodes with its 95 % interval.
/// </summary>
/// <param name="Predictor">The predictor's name.</param>
/// <param name="MeanSquaredError">Pixel mean squared error per horizon.</param>
/// <param name="Psnr">PSNR of the pooled error per horizon (dB).</param>
/// <param name="PositionError">Probed position error per horizon (pixels; a missing object counts as the frame's side).</param>
/// <param name="MissingObjects">Share of true objects the probe does not find, per horizon.</param>
/// <param name="Consistency">Share of episodes whose frame at that horizon has the right objects, colours and sizes.</param>
/// <param name="RolloutFidelity">Rollout action fidelity: share of episodes whose frame at that horizon has every true object within
/// <see cref="EvaluationConfig.RolloutTolerance"/> of the truth and nothing else (Wilson intervals).</param>
/// <param name="Sharpness">The imagined frame's high-frequency energy over the true frame's (<see cref="Evaluation.Sharpness"/>): 1 is
/// as sharp as the truth, below 1 smeared, above 1 noisy.</param>
public sealed record DriftCurve(string Predictor, IReadOnlyList<Estimate> MeanSquaredError, IReadOnlyList<Estimate> Psnr,
    IReadOnlyList<Estimate> PositionError, IReadOnlyList<Estimate> MissingObjects, IReadOnlyList<Estimate> Consistency,
    IReadOnlyList<Estimate> RolloutFidelity, IReadOnlyList<Estimate> Sharpness)
{
    /// <summary>H, the longest horizon.</summary>
    public int Horizon => MeanSquaredError.Count;

    /// <summary>The curve from per-episode scores: <paramref name="scores"/>[e][h − 1] is episode e at horizon h.</summary>
    internal static DriftCurve From(string predictor, IReadOnlyList<IReadOnlyList<FrameScore>> scores)
    {
        int horizon = scores[0].Count;
        var mse = new List<Estimate>(horizon);
        var position = new List<Estimate>(horizon);
        var missing = new List<Estimate>(horizon);
        var consistency = new List<Estimate>(horizon);
        var onTrack = new List<Estimate>(horizon);
        var sharpness = new List<Estimate>(horizon);
        for (int h = 0; h < horizon; h++)
        {
            var at = scores.Select(episode => episode[h]).ToArray();
            mse.Add(Estimate.OfMean(at.Select(s => s.MeanSquaredError), least: 0));
            position.Add(Estimate.OfMean(at.Select(s => s.PositionError), least: 0));
            missing.Add(Estimate.OfMean(at.Select(s => s.MissingShare), least: 0, most: 1));
            consistency.Add(Estimate.OfProportion(at.Count(s => s.Consistent), at.Length));
            onTrack.Add(Estimate.OfProportion(at.Count(s => s.OnTrack), at.Length));
            sharpness.Add(Estimate.OfMean(at.Select(s => s.Sharpness), least: 0));
        }
        return new DriftCurve(predictor, mse, [.. mse.Select(PixelError.Psnr)], position, missing, consistency, onTrack, sharpness);
    }
}
