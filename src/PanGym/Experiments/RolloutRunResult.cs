using PanGym.Evaluation;
using PanGym.Gym;

namespace PanGym.Experiments;

/// <summary>What a <see cref="RolloutRun"/> imagined.</summary>
/// <param name="Start">The start frame.</param>
/// <param name="Imagined">One decoded frame per action.</param>
/// <param name="Truth">The environment's true episode under the same actions (null for a PNG start).</param>
/// <param name="Frames">The video: the start and the imagined frames, or with <see cref="RolloutRunOptions.BesideTruth"/> truth and imagination side by side.</param>
public sealed record RolloutRunResult(Image Start, IReadOnlyList<Image> Imagined, GroundTruthEpisode? Truth, IReadOnlyList<Image> Frames);
