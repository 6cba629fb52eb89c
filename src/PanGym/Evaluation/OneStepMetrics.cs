namespace PanGym.Evaluation;

/// <summary>
/// One-step (teacher-forced) scores of a predictor over every held-out step, each with its 95 % interval over steps.
/// </summary>
/// <param name="Predictor">The predictor's name.</param>
/// <param name="MeanSquaredError">Pixel mean squared error (0–255 scale), mean over steps.</param>
/// <param name="Psnr">PSNR of the pooled mean squared error (dB, capped at <see cref="PixelError.PsnrCap"/>), so that exact
/// copies on steps where nothing moves cannot dominate the mean through an infinite PSNR.</param>
/// <param name="Ssim">Structural similarity, mean over steps.</param>
/// <param name="ActionFidelity">PAN's action simulation fidelity: the share of steps whose predicted frame shows the change the action asks for.</param>
/// <param name="PositionError">Probed position error in pixels, mean over steps (missing objects count as the frame's side).</param>
/// <param name="MissingObjects">Share of true objects the probe does not find, mean over steps.</param>
/// <param name="Consistency">Share of predicted frames with the right objects, colours and sizes.</param>
public sealed record OneStepMetrics(string Predictor, Estimate MeanSquaredError, Estimate Psnr, Estimate Ssim, Estimate ActionFidelity,
    Estimate PositionError, Estimate MissingObjects, Estimate Consistency)
{
    /// <summary>The metrics of <paramref name="scores"/> (at least one): means and proportions over them, with 95 % intervals.</summary>
    public static OneStepMetrics From(string predictor, IReadOnlyList<FrameScore> scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        if (scores.Count == 0) throw new ArgumentException("Give at least one frame score to aggregate.", nameof(scores));
        var mse = Estimate.OfMean(scores.Select(s => s.MeanSquaredError), least: 0);
        return new OneStepMetrics(
            predictor,
            mse,
            PixelError.Psnr(mse),
            Estimate.OfMean(scores.Select(s => s.Ssim), most: 1),
            Estimate.OfProportion(scores.Count(s => s.Faithful), scores.Count),
            Estimate.OfMean(scores.Select(s => s.PositionError), least: 0),
            Estimate.OfMean(scores.Select(s => s.MissingShare), least: 0, most: 1),
            Estimate.OfProportion(scores.Count(s => s.Consistent), scores.Count));
    }
}
