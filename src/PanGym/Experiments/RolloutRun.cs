using PanGym.Evaluation;
using PanGym.Gym;
using PanGym.Imagination;
using PanGym.Media;
using PanGym.WorldModel;

namespace PanGym.Experiments;

/// <summary>
/// Imagines a video with a trained world model, the experiment behind <c>pangym rollout</c>: from a start frame (a PNG,
/// read by <see cref="PngReader"/>) or an environment's seeded reset, through text actions, one engine step each
/// (encode, dynamics over the history, decode, PAN's closed loop); with an environment, beside the true video.
/// PanGym.Video's <c>VideoWriter</c> writes the frames as mp4 or gif.
/// </summary>
public static class RolloutRun
{
    /// <summary>Loads the checkpoint and imagines the rollout.</summary>
    /// <param name="options">The rollout.</param>
    /// <param name="simulatorAt">Makes the ground-truth environment at a frame size (the model's), for an environment start; it is disposed after the replay.</param>
    /// <exception cref="ArgumentException">Neither or both of a start frame and an environment, a start frame of another size, or an action the environment does not know.</exception>
    /// <exception cref="IOException">The checkpoint or the start frame cannot be read.</exception>
    public static RolloutRunResult Run(RolloutRunOptions options, Func<int, IGroundTruthSimulator>? simulatorAt = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.StartFrame is null == simulatorAt is null)
            throw new ArgumentException(options.StartFrame is null ? "Give a start: a start frame or an environment." : "Give either a start frame or an environment, not both.");
        string checkpoint = CheckpointLocator.Resolve(options.Checkpoint);
        using var model = WorldModelCheckpoint.Load(checkpoint);
        int size = model.Config.ImageSize;
        Image start;
        GroundTruthEpisode? truth = null;
        if (options.StartFrame is string png) start = PngReader.Read(png, (size, size));
        else
        {
            using var simulator = simulatorAt!(size);
            truth = simulator.Replay(options.Seed, options.Actions);
            start = truth.Frames[0];
        }
        if (start.Height != size || start.Width != size)
            throw new ArgumentException($"The start frame is {start.Width}×{start.Height} but the model reads {size}×{size} frames; resize it first.");

        var palette = options.Palette ? ColourPalette.FromFrames([start]) : null;
        var imagined = new ImaginationEngine(model, new RolloutOptions(sampling: options.Sampling, palette: palette)).ImagineVideo(start, options.Actions, options.Seed);
        IReadOnlyList<Image> frames = options.BesideTruth
            ? new RolloutSample(options.Seed, options.Actions, truth!.Frames, imagined).SideBySide()
            : [start, .. imagined];
        return new RolloutRunResult(start, imagined, truth, frames);
    }
}
