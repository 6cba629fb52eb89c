namespace PanGym.Evaluation;

/// <summary>
/// Transition smoothness (PAN §7): how much consecutive frames of the model's rollouts jump, beside how much the true
/// episodes' consecutive frames do. A model that flickers jumps more than the truth; one that freezes, less.
/// </summary>
/// <param name="Predicted">Mean absolute difference of consecutive imagined frames (0–255 scale; the first against the start frame), over steps.</param>
/// <param name="Truth">The same over the true episodes.</param>
public sealed record SmoothnessMetrics(Estimate Predicted, Estimate Truth)
{
    /// <summary>Predicted over true jump size: 1 moves as much as the truth.</summary>
    public double Ratio => Truth.Mean > 0 ? Predicted.Mean / Truth.Mean : double.NaN;
}
