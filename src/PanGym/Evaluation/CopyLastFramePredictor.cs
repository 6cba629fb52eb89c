using PanGym.Gym;

namespace PanGym.Evaluation;

/// <summary>
/// The trivial baseline every figure is read against: the next frame is the last one. A model that ignores its actions
/// can match it; it is right exactly when nothing moves.
/// </summary>
/// <param name="frameSize">Side of the frames, in pixels.</param>
public sealed class CopyLastFramePredictor(int frameSize) : IFramePredictor
{
    /// <summary>"copy last frame".</summary>
    public string Name => "copy last frame";

    /// <inheritdoc />
    public int FrameSize { get; } = frameSize >= 1 ? frameSize : throw new ArgumentOutOfRangeException(nameof(frameSize), frameSize, "The frame size must be positive.");

    /// <summary>o_t as the prediction of o_{t+1}.</summary>
    public IReadOnlyList<IReadOnlyList<Image>> PredictOneStep(IReadOnlyList<IReadOnlyList<Image>> frames, IReadOnlyList<IReadOnlyList<string>> actions)
    {
        PredictorInput.CheckOneStep(frames, actions, FrameSize);
        return frames.Select(episode => (IReadOnlyList<Image>)episode.Take(episode.Count - 1).ToArray()).ToArray();
    }

    /// <summary>The start frame, L times.</summary>
    public IReadOnlyList<IReadOnlyList<Image>> Rollout(IReadOnlyList<Image> starts, IReadOnlyList<IReadOnlyList<string>> actions)
    {
        PredictorInput.CheckRollout(starts, actions, FrameSize);
        return starts.Select((start, b) => (IReadOnlyList<Image>)Enumerable.Repeat(start, actions[b].Count).ToArray()).ToArray();
    }
}
