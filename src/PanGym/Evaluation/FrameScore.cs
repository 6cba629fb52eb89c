namespace PanGym.Evaluation;

/// <summary>The scores of one predicted frame against the true one, as <see cref="FrameScoring"/> computes them.</summary>
/// <param name="MeanSquaredError">Pixel mean squared error (0–255 scale).</param>
/// <param name="Ssim">Structural similarity.</param>
/// <param name="Faithful">Action fidelity: every true object found where the action put it (within the tolerance), and nothing else.</param>
/// <param name="PositionError">Mean distance between probed and true positions over the true objects, a missing object counting as the frame's side.</param>
/// <param name="MissingShare">Share of the true objects the probe did not find.</param>
/// <param name="Consistent">The probe finds exactly the true objects (count and colours) with areas within the tolerance.</param>
/// <param name="OnTrack">Rollout action fidelity: every true object found within <see cref="EvaluationConfig.RolloutTolerance"/> of its
/// true position, and nothing else.</param>
/// <param name="Sharpness">The predicted frame's <see cref="Evaluation.Sharpness.HighFrequencyEnergy"/> over the true frame's.</param>
public readonly record struct FrameScore(double MeanSquaredError, double Ssim, bool Faithful, double PositionError, double MissingShare, bool Consistent,
    bool OnTrack, double Sharpness);
