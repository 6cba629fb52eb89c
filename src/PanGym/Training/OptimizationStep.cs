using PanGym.Data;
using PanGym.Training.Distributed;
using PanGym.WorldModel;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace PanGym.Training;

/// <summary>
/// A <see cref="Trainer"/>'s optimisation step: AdamW over the trainable parameters (weight decay on matrices only,
/// nanoGPT's rule), the training sampler and the flow-noise generator that every random draw of a step comes from.
/// </summary>
internal sealed class OptimizationStep : IDisposable
{
    readonly PanWorldModel _model;
    readonly Device _device;
    readonly TrainingConfig _config;
    readonly Parameter[] _parameters;
    readonly DataParallelGroup _ranks;
    readonly EpisodeWindowSampler _sampler;
    readonly Generator _noise;
    bool _stepping;

    /// <summary>Creates the optimizer, then the noise generator (seeded from the run's seed).</summary>
    public OptimizationStep(PanWorldModel model, TrainingConfig config, Parameter[] parameters, DataParallelGroup ranks, EpisodeWindowSampler sampler)
    {
        (_model, _device, _config, _parameters, _ranks, _sampler) = (model, model.Device, config, parameters, ranks, sampler);
        Optimizer = CreateOptimizer(parameters, config);
        _noise = new Generator(SeedMix.Of(config.Seed, SeedMix.NoiseStream), model.Device);
    }

    /// <summary>The AdamW optimizer.</summary>
    public AdamW Optimizer { get; }

    /// <summary>The parameters it optimises (the model's trainable ones).</summary>
    public Parameter[] Parameters => _parameters;

    /// <summary>Where the training sampler's next batch starts.</summary>
    public EpisodeWindowSamplerState SamplerState => _sampler.State;

    /// <summary>The noise generator's state.</summary>
    public byte[] NoiseState()
    {
        using var state = _noise.get_state();
        return state.bytes.ToArray();
    }

    /// <summary>Puts the noise generator back to <paramref name="noise"/> (a <see cref="NoiseState"/>).</summary>
    public void RestoreNoise(byte[] noise)
    {
        using var state = tensor(noise);
        _noise.set_state(state);
    }

    /// <summary>
    /// <see cref="Take"/>; when it fails before the optimizer touched the weights and steps were taken since the last
    /// checkpoint, the sampler and noise go back to before the batch and <paramref name="checkpoint"/> saves that state,
    /// then the error is rethrown (a divergence is not saved: its weights are what made the loss non-finite).
    /// </summary>
    public StepMeasurement TakeOrCheckpoint(long step, LearningRateSchedule schedule, long checkpointedStep, Action checkpoint)
    {
        var sampler = _sampler.State;
        byte[] noise = NoiseState();
        try
        {
            return Take(step, schedule, checkpointedStep);
        }
        catch (Exception e) when (e is not TrainingDivergedException && !_stepping && _ranks.Communicator.Size == 1 && step > Math.Max(checkpointedStep, 0))
        {
            _sampler.Restore(sampler);
            RestoreNoise(noise);
            checkpoint();
            throw;
        }
    }

    /// <summary>
    /// One optimizer step on the next batch (this rank's shard of it); only scalars leave the dispose scope. With several
    /// ranks the gradients and losses are averaged over them between the backward pass and the clipping.
    /// </summary>
    /// <param name="step">Optimizer steps taken before this one.</param>
    /// <param name="schedule">The learning-rate schedule in force.</param>
    /// <param name="checkpointedStep">The step of the last checkpoint, −1 when none (for a divergence's message).</param>
    /// <exception cref="TrainingDivergedException">The loss is NaN or infinite (no weight was changed).</exception>
    StepMeasurement Take(long step, LearningRateSchedule schedule, long checkpointedStep)
    {
        using var scope = NewDisposeScope();
        double learningRate = schedule.At(step);
        foreach (var group in Optimizer.ParamGroups) group.LearningRate = learningRate;
        using var batch = _sampler.NextBatch(_ranks.Shard);
        var frames = batch.ToModelPixels().to(_device);
        var actions = batch.Actions;
        var loss = SelfForcing.AppliesTo(_config, step)
            ? SelfForcing.Loss(_model, frames, actions, _noise, _ranks.Shard)
            : _model.Loss(frames, actions, _noise, shard: _ranks.Shard);
        Span<float> losses = [loss.Total.item<float>(), loss.Flow.item<float>(), loss.Latent.item<float>(), loss.Reconstruction.item<float>(), loss.Painted.item<float>()];
        Optimizer.zero_grad();
        if (float.IsFinite(losses[0])) loss.Total.backward();
        _ranks.AverageGradients(losses);
        if (!float.IsFinite(losses[0]))
            throw new TrainingDivergedException(
                $"The training loss became {losses[0]} at step {step + 1} (learning rate {learningRate:g3}); " +
                (checkpointedStep >= 0 ? $"the last checkpoint (step {checkpointedStep}) is kept" : "no checkpoint was written, so the output folder starts over with the next run") +
                ". Train again with a lower learning rate or gradient clip norm.", step + 1, losses[0]);
        double gradNorm = nn.utils.clip_grad_norm_(_parameters, _config.GradientClipNorm);
        _stepping = true;
        Optimizer.step();
        _stepping = false;
        return new StepMeasurement(losses[0], losses[1], losses[2], losses[3], losses[4], gradNorm, learningRate);
    }

    /// <summary>Frees the optimizer's state, then the generator.</summary>
    public void Dispose()
    {
        Optimizer.Dispose();
        _noise.Dispose();
    }

    static AdamW CreateOptimizer(Parameter[] parameters, TrainingConfig config)
    {
        var decayed = parameters.Where(p => p.dim() >= 2).ToArray();
        var notDecayed = parameters.Where(p => p.dim() < 2).ToArray();
        var groups = new List<AdamW.ParamGroup>();
        if (decayed.Length > 0) groups.Add(new AdamW.ParamGroup(decayed, config.LearningRate, config.Beta1, config.Beta2, config.Epsilon, config.WeightDecay));
        if (notDecayed.Length > 0) groups.Add(new AdamW.ParamGroup(notDecayed, config.LearningRate, config.Beta1, config.Beta2, config.Epsilon, weight_decay: 0));
        return optim.AdamW(groups, config.LearningRate, config.Beta1, config.Beta2, config.Epsilon, config.WeightDecay);
    }
}
