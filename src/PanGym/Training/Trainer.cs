using System.Diagnostics;
using PanGym.Data;
using PanGym.Training.Distributed;
using PanGym.WorldModel;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace PanGym.Training;

/// <summary>
/// Fits a <see cref="PanWorldModel"/> on the training split of an <see cref="EpisodeDataset"/> with AdamW, a
/// warm-up + cosine learning rate and gradient clipping, validating on the validation split, logging metrics, and
/// writing resumable checkpoints into its output folder (see <see cref="TrainingOutput"/>).
/// </summary>
/// <remarks>
/// <para>Each step draws B windows of L actions (teacher-forced multi-step sequences) and minimises
/// <see cref="PanWorldModel.Loss"/>; on a <see cref="TrainingConfig.SelfForcingFraction"/> share of steps the
/// dynamics reads its own rolled-out states as history instead (see <see cref="SelfForcing"/>). Only
/// <see cref="PanWorldModel.TrainableParameters"/> are optimised, so a frozen backbone stays bit-identical.
/// Weight decay applies to matrices only (nanoGPT's rule).</para>
/// <para>Validation uses fixed batches (the validation sampler restarts from its first window) and fixed flow noise
/// (a generator reseeded each time), so validation losses are comparable across the run.</para>
/// <para>Resuming restores the weights, AdamW's state, the step, the schedule's length, the sampler's position and the
/// flow-noise generator (every random draw of a step comes from it; libtorch's global generator is not used), so a
/// resumed run takes exactly the steps an uninterrupted one would (bit for bit on the same machine and thread
/// count).</para>
/// <para>Data-parallel training (given an <see cref="ICommunicator"/> of several ranks, each holding a replica): the
/// batch size is the global batch, each rank draws its own rows of every global batch and of its flow noise (see
/// <see cref="BatchShard"/>), the gradients and losses are averaged over the ranks in one bucketed all-reduce before
/// clipping and the AdamW step, so every replica takes the same step, and N ranks compute what one process computes on
/// the same global batches (to float rounding). Rank 0 alone validates and writes the metrics, TensorBoard events,
/// checkpoints and calls <see cref="AfterCheckpoint"/> (the curves); the other ranks keep this session's metrics in memory. See <see cref="DataParallelGroup"/>.</para>
/// <para>The trainer owns the model: disposing the trainer disposes it.</para>
/// </remarks>
public sealed class Trainer : IDisposable
{
    const double LossSmoothing = 0.1;

    readonly PanWorldModel _model;
    readonly OptimizationStep _step;
    readonly ValidationPass _validation;
    readonly TrainingMetricsLog _log;
    readonly DataParallelGroup _ranks;
    readonly double _elapsedBefore;
    long _checkpointedStep;

    Trainer(PanWorldModel model, EpisodeDataset dataset, TrainingConfig config, string outFolder, TrainingState? resumed, ICommunicator communicator)
    {
        (_model, Dataset, Config, OutputFolder) = (model, dataset, config, outFolder);
        Parameter[] parameters = [.. model.TrainableParameters()];
        if (parameters.Length == 0) throw new ArgumentException("The world model has no trainable parameters: there is nothing to train.", nameof(model));
        _ranks = new DataParallelGroup(communicator, config.BatchSize, parameters);
        var sampler = new EpisodeWindowSampler(dataset, new EpisodeWindowSamplerConfig(config.BatchSize, config.WindowSteps, EpisodeSplit.Train, config.Seed), resumed?.Sampler);
        _validation = new ValidationPass(model, dataset, config, _ranks.IsRoot);
        _step = new OptimizationStep(model, config, parameters, _ranks, sampler);
        if (resumed is null)
        {
            ScheduleSteps = config.Budget is null ? config.MaxSteps : null;
            _log = _ranks.IsRoot ? TrainingMetricsLog.Create(outFolder) : TrainingMetricsLog.InMemory();
            _checkpointedStep = -1;
            return;
        }
        TrainingCheckpoint.LoadOptimizer(outFolder, _step.Optimizer);
        _step.RestoreNoise(resumed.NoiseGeneratorState);
        (Step, ScheduleSteps, _elapsedBefore, _checkpointedStep) = (resumed.Step, resumed.ScheduleSteps, resumed.ElapsedSeconds, resumed.Step);
        _log = _ranks.IsRoot ? TrainingMetricsLog.Resume(outFolder, resumed.Step) : TrainingMetricsLog.InMemory();
    }

    /// <summary>
    /// A new run that trains <paramref name="model"/> (the trainer takes ownership of it) on <paramref name="dataset"/>
    /// and writes into <paramref name="outFolder"/> (created when missing; it may already hold other files, such as the
    /// data set, but no earlier training run).
    /// </summary>
    /// <remarks>What an earlier run that stopped before its first checkpoint left there is cleared first (see <see cref="TrainingOutput"/>).</remarks>
    /// <param name="model">The model to train; every rank of a distributed run passes the same one (same preset and seed).</param>
    /// <param name="dataset">The episodes to train on.</param>
    /// <param name="config">The run's configuration; its batch size is the global batch.</param>
    /// <param name="outFolder">The run's folder; only rank 0 writes there.</param>
    /// <param name="communicator">The ranks of a data-parallel run; null trains in this process alone.</param>
    /// <param name="verifyData">Whether to run <see cref="VerifyData"/> first (false skips it on a data set too large to check up front).</param>
    /// <exception cref="IOException">The output folder is a file, or it already holds a training run (nothing there is changed).</exception>
    /// <exception cref="ArgumentException">The data set's frames are not the model's size, or its training split has no full window.</exception>
    /// <exception cref="EpisodeDatasetException">With <paramref name="verifyData"/>: an episode's file or action is at fault (nothing is changed).</exception>
    /// <exception cref="RankFailedException">With several ranks: any of these on some rank, or ranks holding different data sets, settings or weights.</exception>
    public static Trainer Create(PanWorldModel model, EpisodeDataset dataset, TrainingConfig config, string outFolder, ICommunicator? communicator = null,
        bool verifyData = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(config);
        communicator ??= SingleProcessCommunicator.Instance;
        string folder = TrainingStart.NewRunFolder(model, dataset, config, outFolder, communicator, verifyData);
        TrainingStart.CheckSameReplica(communicator, () => ReplicaIdentity.Of(dataset, config, model, resumed: null));
        return communicator.Agree(() =>
        {
            if (communicator.Rank == 0)
            {
                TrainingOutput.ClearUnfinishedRun(folder);
                Directory.CreateDirectory(folder);
            }
            return new Trainer(model, dataset, config, folder, resumed: null, communicator);
        });
    }

    /// <summary>
    /// Continues the run in <paramref name="outFolder"/> from its latest complete checkpoint, on the same data set, with
    /// the configuration it was started with. A checkpoint interrupted while being written is discarded. libtorch's intra-op
    /// thread count becomes <c>threads</c>, or when that is null the count the checkpoint was written with, so that the losses
    /// continue an uninterrupted run's bit for bit (libtorch's reductions depend on it).
    /// </summary>
    /// <exception cref="IOException">The output folder is a file, does not exist, or holds no complete checkpoint.</exception>
    /// <exception cref="InvalidInputException">The checkpoint is damaged, or (with <paramref name="verifyData"/>, see <see cref="VerifyData"/>) an episode's file or action is at fault.</exception>
    /// <exception cref="ArgumentException">The data set is not the one the checkpoint trained on (frame size, episodes, steps).</exception>
    /// <exception cref="RankFailedException">With several ranks: any of these on some rank, or ranks holding different data sets or checkpoints.</exception>
    /// <remarks>With several ranks, rank 0 repairs an interrupted checkpoint swap first; then every rank reads the checkpoint, so
    /// the output folder must be reachable at the same path from every node (a shared file system).</remarks>
    public static Trainer Resume(string outFolder, EpisodeDataset dataset, ICommunicator? communicator = null, bool verifyData = true, int? threads = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        communicator ??= SingleProcessCommunicator.Instance;
        var (folder, (model, state)) = TrainingStart.Resume(outFolder, dataset, communicator, verifyData, threads);
        try
        {
            TrainingStart.CheckSameReplica(communicator, () => ReplicaIdentity.Of(dataset, state.Config, model, state));
            return communicator.Agree(() => new Trainer(model, dataset, state.Config, folder, state, communicator));
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>The model being trained.</summary>
    public PanWorldModel Model => _model;

    /// <summary>The data set trained on.</summary>
    public EpisodeDataset Dataset { get; }

    /// <summary>The run's configuration.</summary>
    public TrainingConfig Config { get; }

    /// <summary>The run's output folder (full path).</summary>
    public string OutputFolder { get; }

    /// <summary>The ranks this replica trains with (a <see cref="SingleProcessCommunicator"/> when alone).</summary>
    public ICommunicator Communicator => _ranks.Communicator;

    /// <summary>Optimizer steps taken.</summary>
    public long Step { get; private set; }

    /// <summary>The schedule's length: the step count, or under a time budget the latest estimate from the pace so far (null until calibrated).</summary>
    public long? ScheduleSteps { get; private set; }

    /// <summary>The learning-rate schedule in force.</summary>
    public LearningRateSchedule Schedule => LearningRateSchedule.For(Config, ScheduleSteps);

    /// <summary>Where the training sampler's next batch starts.</summary>
    public EpisodeWindowSamplerState SamplerState => _step.SamplerState;

    /// <summary>Every metric logged by the run so far (resumed runs include the earlier sessions'; on ranks other than 0, this session's training lines only).</summary>
    public IReadOnlyList<TrainingMetric> Metrics => _log.Metrics;

    /// <summary>
    /// Called on rank 0 after each checkpoint is written (the periodic ones and the final one), with every metric so far
    /// (<see cref="Metrics"/>) and the run's curves file (<see cref="TrainingOutput.CurvesFile"/>); null, the default, does
    /// nothing. The core draws no plots: PanGym.Video's <c>TrainingCurves.SavePng</c> fits here as it is, and
    /// <c>pangym train</c> sets it so, which writes curves.png. An exception it throws propagates out of <see cref="Run"/>
    /// (the checkpoint itself is already on disk).
    /// </summary>
    public Action<IReadOnlyList<TrainingMetric>, string>? AfterCheckpoint { get; set; }

    /// <summary>
    /// Trains until the step count or the wall-clock budget is reached, or <paramref name="cancellationToken"/> is
    /// cancelled (checked between steps), then writes a final checkpoint (and calls <see cref="AfterCheckpoint"/>).
    /// Progress is reported after every step, on the calling thread.
    /// </summary>
    /// <remarks>
    /// A step that fails before the optimizer has changed a weight (a data file gone bad, an action the model cannot read)
    /// leaves the model as the last step made it: that state is checkpointed first, with the sampler and noise put back
    /// before the failed batch, so nothing learned is lost and a resumed run retries that batch.
    /// </remarks>
    /// <exception cref="TrainingDivergedException">The loss became NaN or infinite (the last checkpoint is kept).</exception>
    public TrainingResult Run(IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        long workingSetStart = Environment.WorkingSet;
        var clock = Stopwatch.StartNew();
        long startStep = Step;
        _model.train();
        TimeSpan Elapsed() => TimeSpan.FromSeconds(_elapsedBefore) + clock.Elapsed;

        var validationSeconds = 0.0;
        if (Step == 0 && !_log.Metrics.Any(m => m.Kind == TrainingMetric.ValidationKind)) validationSeconds = _validation.Run(Step, Elapsed(), _log);
        var pending = new StepTotals();
        var calibration = new ScheduleCalibration();
        double smoothed = double.NaN;
        TrainingStopReason stop;
        while (true)
        {
            (var reason, ScheduleSteps) = _ranks.AgreeBeforeStep(StopReason(Elapsed(), cancellationToken), ScheduleSteps);
            if (reason is { } agreed)
            {
                stop = agreed;
                break;
            }
            var measured = _step.TakeOrCheckpoint(Step, Schedule, _checkpointedStep, () => SaveCheckpoint(Elapsed()));
            Step++;
            pending.Add(measured);
            smoothed = double.IsNaN(smoothed) ? measured.Loss : smoothed + LossSmoothing * (measured.Loss - smoothed);
            if (_ranks.IsRoot && calibration.Observe(Step, Elapsed(), Config, validationSeconds) is long estimate) ScheduleSteps = estimate;
            if (Step % Config.LogEvery == 0) pending = WriteTrainLine(pending, Elapsed());
            if (Step % Config.ValidateEvery == 0) validationSeconds = _validation.Run(Step, Elapsed(), _log);
            if (Step % Config.CheckpointEvery == 0) SaveCheckpoint(Elapsed());
            progress?.Report(ProgressEstimate.Of(Config, ScheduleSteps, Step, startStep, measured, smoothed, clock.Elapsed, Elapsed()));
        }
        if (pending.Steps > 0) WriteTrainLine(pending, Elapsed());
        if (!_log.Metrics.Any(m => m.Kind == TrainingMetric.ValidationKind && m.Step == Step)) _validation.Run(Step, Elapsed(), _log);
        if (_checkpointedStep != Step) SaveCheckpoint(Elapsed());
        var train = _log.Metrics.Where(m => m.Kind == TrainingMetric.TrainKind).ToList();
        var validation = _log.Metrics.Where(m => m.Kind == TrainingMetric.ValidationKind).ToList();
        double sessionSeconds = clock.Elapsed.TotalSeconds;
        return new TrainingResult(startStep, Step, ScheduleSteps, stop,
            train.FirstOrDefault()?.Loss, train.LastOrDefault()?.Loss, validation.FirstOrDefault(), validation.LastOrDefault(),
            Elapsed(), sessionSeconds > 0 ? (Step - startStep) * Config.BatchSize / sessionSeconds : 0,
            workingSetStart, Environment.WorkingSet, OutputFolder);
    }

    /// <summary>Frees the model, the optimizer's state and the generator.</summary>
    public void Dispose()
    {
        _ranks.Dispose();
        _step.Dispose();
        _model.Dispose();
    }

    TrainingStopReason? StopReason(TimeSpan elapsed, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested) return TrainingStopReason.Cancelled;
        if (Config.MaxSteps is long max && Step >= max) return TrainingStopReason.MaxSteps;
        if (Config.Budget is TimeSpan budget && elapsed >= budget) return TrainingStopReason.Budget;
        return null;
    }

    StepTotals WriteTrainLine(StepTotals totals, TimeSpan elapsed)
    {
        _log.Write(totals.TrainLine(Step, Config.BatchSize, elapsed));
        return new StepTotals();
    }

    /// <summary>Writes a checkpoint and calls <see cref="AfterCheckpoint"/> (rank 0), after checking that every replica holds the same weights.</summary>
    void SaveCheckpoint(TimeSpan elapsed)
    {
        _ranks.CheckWeightsAgree(_step.Parameters, Step);
        if (_ranks.IsRoot)
        {
            using (var scope = NewDisposeScope())
            {
                var state = new TrainingState(Step, ScheduleSteps, elapsed.TotalSeconds, Config, _step.SamplerState,
                    _step.NoiseState(), DatasetFingerprint.Of(Dataset), get_num_threads());
                TrainingCheckpoint.Save(OutputFolder, _model, _step.Optimizer, state);
            }
            AfterCheckpoint?.Invoke(_log.Metrics, TrainingOutput.CurvesFile(OutputFolder));
        }
        _checkpointedStep = Step;
    }

    /// <summary>
    /// Checks before the first step what training would otherwise find only when it first samples it, possibly hours in:
    /// every episode's frames file (present, inside the data set's folder, of the right tensor, dtype and shape; see
    /// <see cref="EpisodeDataset.VerifyEpisodeFiles"/>) and every action (within the model's action slot, no special token).
    /// </summary>
    /// <exception cref="EpisodeDatasetException">The first episode at fault, named with its file or action.</exception>
    public static void VerifyData(PanWorldModel model, EpisodeDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(dataset);
        TrainingDataCheck.VerifyData(model, dataset);
    }
}
