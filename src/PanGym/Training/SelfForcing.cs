using PanGym.Data;
using PanGym.WorldModel;
using static TorchSharp.torch;

namespace PanGym.Training;

/// <summary>
/// Self-forcing against drift: on a share of steps the dynamics reads, as its history, the states it would itself
/// predict at inference instead of the true encodings. From s_0 = h(o_0) the model rolls out ŝ_1 … ŝ_{L−1} under the
/// window's actions (without gradients, through the KV cache, exactly as an imagined rollout does); the loss is then
/// <see cref="WorldModel.WorldModel.Loss"/> with that detached history, against the true next frames and encodings. It
/// follows scheduled sampling (Bengio et al. 2015) and the self-forcing of autoregressive video models (Huang et al.
/// 2025): train on the inputs you will see at test time.
/// </summary>
internal static class SelfForcing
{
    /// <summary>Whether step <paramref name="step"/> reads its own predictions: a draw fixed by the seed and the step (nothing to save for a resume).</summary>
    public static bool AppliesTo(TrainingConfig config, long step) =>
        config.SelfForcingFraction > 0 && SeedMix.Uniform(config.Seed, step) < config.SelfForcingFraction;

    /// <summary>The loss of one batch (or of a data-parallel process's <paramref name="shard"/> of it) with the model's own rolled-out history.</summary>
    public static WorldModelLoss Loss(WorldModel.WorldModel model, Tensor frames, IReadOnlyList<IReadOnlyList<string>> actions, Generator generator, BatchShard? shard = null)
    {
        using var scope = NewDisposeScope();
        int batch = (int)frames.shape[0], steps = (int)frames.shape[1] - 1;
        Tensor history;
        using (no_grad())
        {
            var state = model.Encode(frames.select(1, 0));
            var states = new List<Tensor>(steps) { state };
            using var cache = model.NewHistory(batch);
            for (int t = 0; t + 1 < steps; t++)
            {
                state = model.PredictNext(cache, state, [.. actions.Select(row => row[t])]);
                states.Add(state);
            }
            history = stack(states, dim: 1).detach();
        }
        var loss = model.Loss(frames, actions, generator, history, shard);
        return new WorldModelLoss(loss.Total.MoveToOuterDisposeScope(), loss.Flow.MoveToOuterDisposeScope(), loss.Latent.MoveToOuterDisposeScope(),
            loss.Reconstruction.MoveToOuterDisposeScope(), loss.Painted.MoveToOuterDisposeScope());
    }
}
