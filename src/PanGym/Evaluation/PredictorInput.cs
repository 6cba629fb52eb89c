using PanGym.Gym;

namespace PanGym.Evaluation;

/// <summary>The checks every <see cref="IFramePredictor"/> makes on its input, with messages that name the problem.</summary>
internal static class PredictorInput
{
    public static void CheckOneStep(IReadOnlyList<IReadOnlyList<Image>> frames, IReadOnlyList<IReadOnlyList<string>> actions, int size)
    {
        ArgumentNullException.ThrowIfNull(frames);
        ArgumentNullException.ThrowIfNull(actions);
        if (frames.Count == 0) throw new ArgumentException("No episodes to predict.", nameof(frames));
        if (frames.Count != actions.Count)
            throw new ArgumentException($"{frames.Count} episodes of frames but {actions.Count} of actions.", nameof(actions));
        for (int b = 0; b < frames.Count; b++)
        {
            if (actions[b].Count == 0) throw new ArgumentException($"Episode {b} has no actions.", nameof(actions));
            if (frames[b].Count != actions[b].Count + 1)
                throw new ArgumentException($"Episode {b} has {actions[b].Count} actions, so it needs {actions[b].Count + 1} frames; got {frames[b].Count}.", nameof(frames));
            foreach (var frame in frames[b]) frame.EnsureSize(size, size, "predictor's input frame");
        }
    }

    public static void CheckRollout(IReadOnlyList<Image> starts, IReadOnlyList<IReadOnlyList<string>> actions, int size)
    {
        ArgumentNullException.ThrowIfNull(starts);
        ArgumentNullException.ThrowIfNull(actions);
        if (starts.Count == 0) throw new ArgumentException("No rollouts to imagine.", nameof(starts));
        if (starts.Count != actions.Count)
            throw new ArgumentException($"{starts.Count} start frames but {actions.Count} lists of actions.", nameof(actions));
        foreach (var start in starts) start.EnsureSize(size, size, "rollout's start frame");
        if (actions.Any(a => a.Count == 0)) throw new ArgumentException("A rollout needs at least one action.", nameof(actions));
    }
}
