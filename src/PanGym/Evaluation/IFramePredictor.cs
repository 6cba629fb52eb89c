using PanGym.Gym;

namespace PanGym.Evaluation;

/// <summary>
/// What the evaluation measures: a predictor of the next frame given the frames and text actions so far. A world model
/// (<see cref="WorldModelPredictor"/>), the "copy the last frame" baseline (<see cref="CopyLastFramePredictor"/>) and test
/// oracles implement it, so one evaluator scores them all in the same way.
/// </summary>
public interface IFramePredictor
{
    /// <summary>A short name for reports, for example "world model" or "copy last frame".</summary>
    string Name { get; }

    /// <summary>Side of the square frames it reads and predicts, in pixels.</summary>
    int FrameSize { get; }

    /// <summary>
    /// One step ahead with teacher forcing: for B episodes of o_0 … o_T and a_0 … a_{T−1}, the prediction of each
    /// o_{t+1} from the true o_0 … o_t and a_0 … a_t (a predictor must not look further ahead; only test oracles do).
    /// </summary>
    /// <param name="frames">B lists of T + 1 frames.</param>
    /// <param name="actions">B lists of T actions.</param>
    /// <returns>B lists of T predicted frames, ô_1 … ô_T.</returns>
    IReadOnlyList<IReadOnlyList<Image>> PredictOneStep(IReadOnlyList<IReadOnlyList<Image>> frames, IReadOnlyList<IReadOnlyList<string>> actions);

    /// <summary>
    /// Autoregressive rollouts: from each start frame o_0, imagines o_1 … o_L for the L actions, feeding its own
    /// predictions back.
    /// </summary>
    /// <param name="starts">B start frames.</param>
    /// <param name="actions">B lists of L actions.</param>
    /// <returns>B lists of L predicted frames.</returns>
    IReadOnlyList<IReadOnlyList<Image>> Rollout(IReadOnlyList<Image> starts, IReadOnlyList<IReadOnlyList<string>> actions);
}
