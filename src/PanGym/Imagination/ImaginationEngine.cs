using PanGym.Gym;
using PanGym.WorldModel;
using static TorchSharp.torch;

namespace PanGym.Imagination;

/// <summary>
/// The one imagination loop of Generative Latent Prediction, which PanEnv, batched and branched imagination, planning,
/// evaluation, imagined videos and self-forcing all step through: the dynamics f reads the current state and action over
/// the windowed history and predicts ŝ_{t+1}; the decoder g renders ô_{t+1} from ŝ_{t+1} and the current frame; and the
/// closed loop (PAN §5, <see cref="ClosedLoop"/>) decides what the next turn reads: ŝ_{t+1} itself, or the encoding of
/// the frame just decoded, h(ô_{t+1}). <see cref="Observe"/> is the same step with a real frame in place of ô_{t+1}.
/// </summary>
/// <param name="model">The world model (not owned).</param>
/// <param name="options">Closed loop, decoding and history window; default <see cref="RolloutOptions.Default"/>.</param>
public sealed class ImaginationEngine(PanWorldModel model, RolloutOptions? options = null)
{
    /// <summary>The world model that imagines.</summary>
    public PanWorldModel Model { get; } = model ?? throw new ArgumentNullException(nameof(model));

    /// <summary>Closed loop, decoding and history window.</summary>
    public RolloutOptions Options { get; } = Checked(model, options ?? RolloutOptions.Default);

    /// <summary>Whether a step decodes frames: always with the closed loop, else only when <paramref name="framesWanted"/>.</summary>
    public bool Decodes(bool framesWanted) => framesWanted || Options.ClosedLoop != ClosedLoop.Off;

    /// <summary>B trajectories starting at <paramref name="frames"/> [B, 3, H, W] (model pixels): encoded, with an empty history.</summary>
    public ImaginedTrajectories Start(Tensor frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        Model.Decoder.CheckFrame(frames, nameof(frames));
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var history = Model.NewHistory((int)frames.shape[0], Options.WindowFor(Model));
        return new ImaginedTrajectories(history, Model.Encode(frames), frames.detach().clone(), 0);
    }

    /// <summary>B trajectories starting at <paramref name="frames"/>, each the model's size.</summary>
    public ImaginedTrajectories Start(IReadOnlyList<Image> frames)
    {
        using var scope = NewDisposeScope();
        return Start(Model.ToModelPixels(frames));
    }

    /// <summary>
    /// One imagined step of every trajectory: ŝ_{t+1} from the history, ô_{t+1} decoded when <see cref="Decodes"/>
    /// says so, and the next state by the closed loop. The result's tensors belong to the caller's dispose scope.
    /// </summary>
    /// <param name="trajectories">Where the trajectories stand; advanced in place.</param>
    /// <param name="actions">One action per trajectory.</param>
    /// <param name="generator">Source of the decoder's noise; null for torch's default generator.</param>
    /// <param name="framesWanted">Decode even without the closed loop (a reward that reads frames, a video).</param>
    public ImaginedStep Step(ImaginedTrajectories trajectories, IReadOnlyList<string> actions, Generator? generator, bool framesWanted = true) =>
        StepRows(trajectories, actions, generator, framesWanted, nextStateRead: true);

    /// <summary>
    /// <see cref="Step"/>, where <paramref name="nextStateRead"/> false says that nothing will read the trajectories' next
    /// state (a rollout's last step): the closed loop then neither decodes (unless <paramref name="framesWanted"/>) nor
    /// re-encodes, and the state kept is ŝ_{t+1}. The returned step is the same.
    /// </summary>
    internal ImaginedStep StepRows(ImaginedTrajectories trajectories, IReadOnlyList<string> actions, Generator? generator, bool framesWanted, bool nextStateRead)
    {
        ArgumentNullException.ThrowIfNull(trajectories);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        int step = trajectories.Steps;
        var predicted = Model.PredictNext(trajectories.History, trajectories.State, actions);
        Tensor? frame = null;
        if (nextStateRead ? Decodes(framesWanted) : framesWanted)
        {
            var current = trajectories.Frame ?? throw new InvalidOperationException("These trajectories hold no frame to decode from.");
            frame = Model.Decode(predicted, current, Options.Sampling, generator);
            if (Options.Palette is { } palette) frame = palette.Snap(frame);
        }
        var next = Options.ClosedLoop == ClosedLoop.Reencode && nextStateRead ? Model.Encode(frame!) : predicted;
        trajectories.Advance(next, frame);
        return new ImaginedStep(predicted.MoveToOuterDisposeScope(), frame?.MoveToOuterDisposeScope(), [.. actions], step);
    }

    /// <summary>
    /// One observed step: the dynamics reads the current state and action as in <see cref="Step"/>, then the real next
    /// frames <paramref name="frames"/> [B, 3, H, W] and their encodings take the place of the imagined ones (a planner
    /// following the real episode; teacher-forced one-step prediction). Returns the prediction ŝ_{t+1} [B, N, D], in the
    /// caller's dispose scope.
    /// </summary>
    public Tensor Observe(ImaginedTrajectories trajectories, IReadOnlyList<string> actions, Tensor frames)
    {
        ArgumentNullException.ThrowIfNull(trajectories);
        ArgumentNullException.ThrowIfNull(frames);
        Model.Decoder.CheckFrame(frames, nameof(frames));
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var predicted = Model.PredictNext(trajectories.History, trajectories.State, actions);
        trajectories.Advance(Model.Encode(frames), frames);
        return predicted.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Imagines B videos: from <paramref name="starts"/> [B, 3, H, W], one frame per action, [B, L, 3, H, W] in model
    /// pixels. Step-by-step decoding goes through <see cref="Step"/>; Causal Swin-DPM (open loop only) imagines the
    /// latent trajectory first and decodes it as one video.
    /// </summary>
    public Tensor Rollout(Tensor starts, IReadOnlyList<IReadOnlyList<string>> actions, Generator? generator)
    {
        ArgumentNullException.ThrowIfNull(actions);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        int steps = actions.Count == 0 ? 0 : actions[0].Count;
        if (steps == 0 || actions.Any(a => a.Count != steps))
            throw new ArgumentException("Every rollout needs the same number of actions, at least one.", nameof(actions));
        using var trajectories = Start(starts);
        bool video = Options.Sampling.Decoding != VideoDecoding.StepByStep;
        var outputs = new List<Tensor>(steps);
        for (int t = 0; t < steps; t++)
        {
            using var stepScope = NewDisposeScope();
            var imagined = Step(trajectories, [.. actions.Select(a => a[t])], generator, framesWanted: !video);
            outputs.Add((video ? imagined.Latents : imagined.Frames!).MoveToOuterDisposeScope());
        }
        var result = stack(outputs, dim: 1);
        if (video)
        {
            using var sampler = VideoSampling.Create(Model.Decoder, Options.Sampling);
            result = sampler.DecodeVideo(starts, result, generator);
        }
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>One imagined video from <paramref name="start"/> (see <see cref="Rollout"/>), fixed by <paramref name="seed"/>.</summary>
    public IReadOnlyList<Image> ImagineVideo(Image start, IReadOnlyList<string> actions, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(actions);
        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)seed, Model.Device);
        var frames = Rollout(Model.ToModelPixels([start]), [actions], generator);
        return PanWorldModel.FromModelPixels(frames[0]);
    }

    static RolloutOptions Checked(PanWorldModel model, RolloutOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        model.Dynamics.EnsureFits(options.WindowFor(model));
        return options;
    }
}
