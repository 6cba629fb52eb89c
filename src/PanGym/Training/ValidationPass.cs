using System.Diagnostics;
using PanGym.Data;
using PanGym.WorldModel;
using static TorchSharp.torch;

namespace PanGym.Training;

/// <summary>
/// A <see cref="Trainer"/>'s validation pass: mean losses over <see cref="TrainingConfig.ValidationBatches"/> fixed
/// validation batches (the sampler restarts from its first window) with fixed noise from its own generator (reseeded
/// each time), so the training generator is untouched and validation losses are comparable across the run.
/// </summary>
internal sealed class ValidationPass
{
    readonly PanWorldModel _model;
    readonly Device _device;
    readonly TrainingConfig _config;
    readonly EpisodeWindowSampler? _sampler;

    /// <summary>A pass on <paramref name="dataset"/>'s validation split; it does nothing off rank 0, without validation batches, or without a full window.</summary>
    public ValidationPass(PanWorldModel model, EpisodeDataset dataset, TrainingConfig config, bool isRoot)
    {
        (_model, _device, _config) = (model, model.Device, config);
        bool canValidate = isRoot && config.ValidationBatches > 0 && dataset.EpisodesIn(EpisodeSplit.Validation).Any(e => e.Steps >= config.WindowSteps);
        _sampler = canValidate
            ? new EpisodeWindowSampler(dataset, new EpisodeWindowSamplerConfig(config.BatchSize, config.WindowSteps, EpisodeSplit.Validation, config.Seed))
            : null;
    }

    /// <summary>Validates at <paramref name="step"/> and writes the metric line into <paramref name="log"/>; returns the seconds it took.</summary>
    public double Run(long step, TimeSpan elapsed, TrainingMetricsLog log)
    {
        if (_sampler is null) return 0;
        var clock = Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        using var noise = new Generator(SeedMix.Of(_config.Seed, SeedMix.ValidationNoiseStream), _device);
        _sampler.Restore(new EpisodeWindowSamplerState(_config.Seed, 0, 0));
        _model.eval();
        var totals = new StepTotals();
        using (no_grad())
        {
            for (int i = 0; i < _config.ValidationBatches; i++)
            {
                using var batchScope = NewDisposeScope();
                using var batch = _sampler.NextBatch();
                var loss = _model.Loss(batch.ToModelPixels().to(_device), batch.Actions, noise);
                totals.Add(new StepMeasurement(loss.Total.item<float>(), loss.Flow.item<float>(), loss.Latent.item<float>(), loss.Reconstruction.item<float>(), loss.Painted.item<float>(), 0, 0));
            }
        }
        _model.train();
        log.Write(new TrainingMetric(TrainingMetric.ValidationKind, step, totals.Mean(t => t.Loss), totals.Mean(t => t.Flow), totals.Mean(t => t.Latent),
            null, null, null, elapsed.TotalSeconds, totals.Mean(t => t.Reconstruction), totals.Mean(t => t.Painted)));
        return clock.Elapsed.TotalSeconds;
    }
}
