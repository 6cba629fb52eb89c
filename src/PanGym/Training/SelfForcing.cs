using PanGym.Data;
using PanGym.Imagination;
using PanGym.WorldModel;
using static TorchSharp.torch;

namespace PanGym.Training;

/// <summary>
/// Self-forcing against drift: on a share of steps the dynamics reads, as its history, the states it would itself read
/// at inference instead of the true encodings. From s_0 = h(o_0) the <see cref="ImaginationEngine"/> imagines the window
/// under its actions (without gradients, exactly as an imagined rollout does: with the closed loop, each state read is
/// the encoding of the frame the model decoded); the loss is then <see cref="PanWorldModel.Loss"/> with that
/// detached history, and with the decoded frames as the frames the decoder continues from, against the true next frames
/// and encodings: the dynamics learns to continue from its own states and the decoder to take its own imperfect frames
/// back to the truth. It follows scheduled sampling (Bengio et al. 2015) and
/// the self-forcing of autoregressive video models (Huang et al. 2025): train on the inputs you will see at test time.
/// </summary>
internal static class SelfForcing
{
    /// <summary>Whether step <paramref name="step"/> reads its own predictions: a draw fixed by the seed and the step (nothing to save for a resume).</summary>
    public static bool AppliesTo(TrainingConfig config, long step) =>
        config.SelfForcingFraction > 0 && SeedMix.Uniform(config.Seed, step) < config.SelfForcingFraction;

    /// <summary>How the self-forced history is imagined: the closed loop, one deterministic Euler step per frame (no noise drawn).</summary>
    public static RolloutOptions Rollout(int windowSteps) =>
        new(ClosedLoop.Reencode, new FlowSamplingOptions(steps: 1, temperature: 0, contextNoise: 0), new HistoryWindow(windowSteps, windowSteps - 1));

    /// <summary>The loss of one batch (or of a data-parallel process's <paramref name="shard"/> of it) with the model's own imagined history.</summary>
    public static WorldModelLoss Loss(PanWorldModel model, Tensor frames, IReadOnlyList<IReadOnlyList<string>> actions, Generator generator, BatchShard? shard = null)
    {
        using var scope = NewDisposeScope();
        int steps = (int)frames.shape[1] - 1;
        Tensor history, contexts;
        using (no_grad())
        {
            var engine = new ImaginationEngine(model, Rollout(steps));
            using var trajectories = engine.Start(frames.select(1, 0));
            var states = new List<Tensor>(steps) { trajectories.State.clone() };
            var decoded = new List<Tensor>(steps) { trajectories.Frame!.clone() };
            for (int t = 0; t + 1 < steps; t++)
            {
                engine.Step(trajectories, [.. actions.Select(row => row[t])], generator);
                states.Add(trajectories.State.clone());
                decoded.Add(trajectories.Frame!.clone());
            }
            history = stack(states, dim: 1).detach();
            contexts = stack(decoded, dim: 1).detach();
        }
        var loss = model.Loss(frames, actions, generator, history, contexts, shard);
        return new WorldModelLoss(loss.Total.MoveToOuterDisposeScope(), loss.Flow.MoveToOuterDisposeScope(), loss.Latent.MoveToOuterDisposeScope(),
            loss.Reconstruction.MoveToOuterDisposeScope(), loss.Painted.MoveToOuterDisposeScope());
    }
}
