using PanGym.Gym;

namespace PanGym.Evaluation;

/// <summary>One held-out episode and the model's rollout of it, for the report's videos.</summary>
/// <param name="Seed">The episode's reset seed.</param>
/// <param name="Actions">a_0 … a_{H−1}.</param>
/// <param name="Truth">o_0 … o_H.</param>
/// <param name="Predicted">ô_1 … ô_H, imagined from o_0.</param>
public sealed record RolloutSample(int Seed, IReadOnlyList<string> Actions, IReadOnlyList<Image> Truth, IReadOnlyList<Image> Predicted)
{
    /// <summary>The video frames side by side, truth on the left: (o_0 | o_0), (o_1 | ô_1), …</summary>
    public IReadOnlyList<Image> SideBySide() =>
        [SideBySideFrames.Compose(Truth[0], Truth[0]), .. Predicted.Select((frame, t) => SideBySideFrames.Compose(Truth[t + 1], frame))];
}
