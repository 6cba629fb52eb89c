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
    readonly Device _device;
    readonly Parameter[] _parameters;
    readonly AdamW _optimizer;
    readonly EpisodeWindowSampler _sampler;
    readonly EpisodeWindowSampler? _validationSampler;
    readonly Generator _noise;
    readonly TrainingMetricsLog _log;
    readonly DataParallelGroup _ranks;
    readonly double _elapsedBefore;
    long _checkpointedStep;
    bool _optimizerStepping;

    Trainer(PanWorldModel model, EpisodeDataset dataset, TrainingConfig config, string outFolder, TrainingState? resumed, ICommunicator communicator)
    {
        (_model, _device, Dataset, Config, OutputFolder) = (model, model.Device, dataset, config, outFolder);
        _parameters = [.. model.TrainableParameters()];
        if (_parameters.Length == 0) throw new ArgumentException("The world model has no trainable parameters: there is nothing to train.", nameof(model));
        _ranks = new DataParallelGroup(communicator, config.BatchSize, _parameters);
        _sampler = new EpisodeWindowSampler(dataset, new EpisodeWindowSamplerConfig(config.BatchSize, config.WindowSteps, EpisodeSplit.Train, config.Seed), resumed?.Sampler);
        bool canValidate = _ranks.IsRoot && config.ValidationBatches > 0 && dataset.EpisodesIn(EpisodeSplit.Validation).Any(e => e.Steps >= config.WindowSteps);
        _validationSampler = canValidate
            ? new EpisodeWindowSampler(dataset, new EpisodeWindowSamplerConfig(config.BatchSize, config.WindowSteps, EpisodeSplit.Validation, config.Seed))
            : null;
        _optimizer = CreateOptimizer(_parameters, config);
        _noise = new Generator(SeedMix.Of(config.Seed, SeedMix.NoiseStream), model.Device);
        if (resumed is null)
        {
            ScheduleSteps = config.Budget is null ? config.MaxSteps : null;
            _log = _ranks.IsRoot ? TrainingMetricsLog.Create(outFolder) : TrainingMetricsLog.InMemory();
            _checkpointedStep = -1;
            return;
        }
        TrainingCheckpoint.LoadOptimizer(outFolder, _optimizer);
        using (var state = tensor(resumed.NoiseGeneratorState)) _noise.set_state(state);
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
        string folder = communicator.Agree(() =>
        {
            string full = communicator.Rank == 0 ? TrainingOutput.EnsureNoRun(outFolder) : TrainingOutput.EnsureNotFile(outFolder);
            CheckFrameSize(model.Config, dataset, "the world model");
            if (verifyData) VerifyData(model, dataset);
            BatchShard.ForRank(communicator.Rank, communicator.Size, config.BatchSize);
            return full;
        });
        CheckSameReplica(communicator, () => ReplicaIdentity.Of(dataset, config, model, resumed: null));
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
        string folder = communicator.Agree(() =>
        {
            string full = TrainingOutput.EnsureNotFile(outFolder);
            if (!Directory.Exists(full)) throw new DirectoryNotFoundException($"No training run to resume at {full}: the folder does not exist.");
            if (communicator.Rank == 0 && !TrainingCheckpoint.Recover(full))
                throw new IOException(
                    $"No checkpoint to resume in {full}: there is no {TrainingOutput.CheckpointFolderName}/ folder, so no run got as far as its first checkpoint. " +
                    "Start the run again with its settings (not as a resume): a new run in this folder replaces what an unfinished one left.");
            return full;
        });
        var (model, state) = communicator.Agree(() =>
        {
            var state = TrainingCheckpoint.ReadState(folder);
            if ((threads ?? state.IntraOpThreads) is int count && count > 0) set_num_threads(count);
            string modelFolder = TrainingOutput.ModelFolder(folder);
            var model = WorldModelCheckpoint.Load(modelFolder);
            try
            {
                CheckFrameSize(model.Config, dataset, $"the checkpoint's world model ({modelFolder})");
                if (verifyData) VerifyData(model, dataset);
                var trained = state.Dataset;
                var given = DatasetFingerprint.Of(dataset);
                if (!trained.SameData(given))
                    throw new ArgumentException(
                        $"The checkpoint in {TrainingOutput.CheckpointFolder(folder)} trained on a data set of {trained.Describe()} ({trained.Folder}), " +
                        $"but the data set at {dataset.Folder} has {given.Describe()}: resume on the same data set.", nameof(dataset));
                BatchShard.ForRank(communicator.Rank, communicator.Size, state.Config.BatchSize);
                return new LoadedCheckpoint(model, state);
            }
            catch
            {
                model.Dispose();
                throw;
            }
        });
        try
        {
            CheckSameReplica(communicator, () => ReplicaIdentity.Of(dataset, state.Config, model, state));
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
    public EpisodeWindowSamplerState SamplerState => _sampler.State;

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
        if (Step == 0 && !_log.Metrics.Any(m => m.Kind == TrainingMetric.ValidationKind)) validationSeconds = Validate(Elapsed());
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
            var measured = TrainStepOrCheckpoint(Elapsed);
            Step++;
            pending.Add(measured);
            smoothed = double.IsNaN(smoothed) ? measured.Loss : smoothed + LossSmoothing * (measured.Loss - smoothed);
            if (_ranks.IsRoot && calibration.Observe(Step, Elapsed(), Config, validationSeconds) is long estimate) ScheduleSteps = estimate;
            if (Step % Config.LogEvery == 0) pending = WriteTrainLine(pending, Elapsed());
            if (Step % Config.ValidateEvery == 0) validationSeconds = Validate(Elapsed());
            if (Step % Config.CheckpointEvery == 0) SaveCheckpoint(Elapsed());
            progress?.Report(Progress(measured, smoothed, startStep, clock.Elapsed, Elapsed()));
        }
        if (pending.Steps > 0) WriteTrainLine(pending, Elapsed());
        if (!_log.Metrics.Any(m => m.Kind == TrainingMetric.ValidationKind && m.Step == Step)) Validate(Elapsed());
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
        _optimizer.Dispose();
        _noise.Dispose();
        _model.Dispose();
    }

    TrainingStopReason? StopReason(TimeSpan elapsed, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested) return TrainingStopReason.Cancelled;
        if (Config.MaxSteps is long max && Step >= max) return TrainingStopReason.MaxSteps;
        if (Config.Budget is TimeSpan budget && elapsed >= budget) return TrainingStopReason.Budget;
        return null;
    }

    /// <summary>
    /// <see cref="TrainStep"/>; when it fails before the optimizer touched the weights and steps were taken since the last
    /// checkpoint, the sampler and noise go back to before the batch and that state is checkpointed, then the error is
    /// rethrown (a divergence is not saved: its weights are what made the loss non-finite).
    /// </summary>
    StepMeasurement TrainStepOrCheckpoint(Func<TimeSpan> elapsed)
    {
        var sampler = _sampler.State;
        byte[] noise;
        using (var state = _noise.get_state()) noise = state.bytes.ToArray();
        try
        {
            return TrainStep();
        }
        catch (Exception e) when (e is not TrainingDivergedException && !_optimizerStepping && _ranks.Communicator.Size == 1 && Step > Math.Max(_checkpointedStep, 0))
        {
            _sampler.Restore(sampler);
            using (var state = tensor(noise)) _noise.set_state(state);
            SaveCheckpoint(elapsed());
            throw;
        }
    }

    /// <summary>
    /// One optimizer step on the next batch (this rank's shard of it); only scalars leave the dispose scope. With several
    /// ranks the gradients and losses are averaged over them between the backward pass and the clipping.
    /// </summary>
    StepMeasurement TrainStep()
    {
        using var scope = NewDisposeScope();
        double learningRate = Schedule.At(Step);
        foreach (var group in _optimizer.ParamGroups) group.LearningRate = learningRate;
        using var batch = _sampler.NextBatch(_ranks.Shard);
        var frames = batch.ToModelPixels().to(_device);
        var actions = batch.Actions;
        var loss = SelfForcing.AppliesTo(Config, Step)
            ? SelfForcing.Loss(_model, frames, actions, _noise, _ranks.Shard)
            : _model.Loss(frames, actions, _noise, shard: _ranks.Shard);
        Span<float> losses = [loss.Total.item<float>(), loss.Flow.item<float>(), loss.Latent.item<float>(), loss.Reconstruction.item<float>(), loss.Painted.item<float>()];
        _optimizer.zero_grad();
        if (float.IsFinite(losses[0])) loss.Total.backward();
        _ranks.AverageGradients(losses);
        if (!float.IsFinite(losses[0]))
            throw new TrainingDivergedException(
                $"The training loss became {losses[0]} at step {Step + 1} (learning rate {learningRate:g3}); " +
                (_checkpointedStep >= 0 ? $"the last checkpoint (step {_checkpointedStep}) is kept" : "no checkpoint was written, so the output folder starts over with the next run") +
                ". Train again with a lower learning rate or gradient clip norm.", Step + 1, losses[0]);
        double gradNorm = nn.utils.clip_grad_norm_(_parameters, Config.GradientClipNorm);
        _optimizerStepping = true;
        _optimizer.step();
        _optimizerStepping = false;
        return new StepMeasurement(losses[0], losses[1], losses[2], losses[3], losses[4], gradNorm, learningRate);
    }

    /// <summary>
    /// Mean losses over <see cref="TrainingConfig.ValidationBatches"/> fixed validation batches with fixed noise from
    /// its own generator, so the training generator is untouched. Returns the seconds it took.
    /// </summary>
    double Validate(TimeSpan elapsed)
    {
        if (_validationSampler is null) return 0;
        var clock = Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        using var noise = new Generator(SeedMix.Of(Config.Seed, SeedMix.ValidationNoiseStream), _device);
        _validationSampler.Restore(new EpisodeWindowSamplerState(Config.Seed, 0, 0));
        _model.eval();
        var totals = new StepTotals();
        using (no_grad())
        {
            for (int i = 0; i < Config.ValidationBatches; i++)
            {
                using var batchScope = NewDisposeScope();
                using var batch = _validationSampler.NextBatch();
                var loss = _model.Loss(batch.ToModelPixels().to(_device), batch.Actions, noise);
                totals.Add(new StepMeasurement(loss.Total.item<float>(), loss.Flow.item<float>(), loss.Latent.item<float>(), loss.Reconstruction.item<float>(), loss.Painted.item<float>(), 0, 0));
            }
        }
        _model.train();
        _log.Write(new TrainingMetric(TrainingMetric.ValidationKind, Step, totals.Mean(t => t.Loss), totals.Mean(t => t.Flow), totals.Mean(t => t.Latent),
            null, null, null, elapsed.TotalSeconds, totals.Mean(t => t.Reconstruction), totals.Mean(t => t.Painted)));
        return clock.Elapsed.TotalSeconds;
    }

    StepTotals WriteTrainLine(StepTotals totals, TimeSpan elapsed)
    {
        _log.Write(new TrainingMetric(TrainingMetric.TrainKind, Step, totals.Mean(t => t.Loss), totals.Mean(t => t.Flow), totals.Mean(t => t.Latent),
            totals.Last.LearningRate, totals.Mean(t => t.GradNorm), totals.Steps * Config.BatchSize / totals.Seconds, elapsed.TotalSeconds,
            totals.Mean(t => t.Reconstruction), totals.Mean(t => t.Painted)));
        return new StepTotals();
    }

    /// <summary>Writes a checkpoint and calls <see cref="AfterCheckpoint"/> (rank 0), after checking that every replica holds the same weights.</summary>
    void SaveCheckpoint(TimeSpan elapsed)
    {
        _ranks.CheckWeightsAgree(_parameters, Step);
        if (_ranks.IsRoot)
        {
            using (var scope = NewDisposeScope())
            {
                var state = new TrainingState(Step, ScheduleSteps, elapsed.TotalSeconds, Config, _sampler.State,
                    _noise.get_state().bytes.ToArray(), DatasetFingerprint.Of(Dataset), get_num_threads());
                TrainingCheckpoint.Save(OutputFolder, _model, _optimizer, state);
            }
            AfterCheckpoint?.Invoke(_log.Metrics, TrainingOutput.CurvesFile(OutputFolder));
        }
        _checkpointedStep = Step;
    }

    /// <summary>
    /// Checks, before any file is written, that every rank holds the same data set, settings, weights and resumed state
    /// (with one rank there is nothing to check): every rank throws the same error when one differs.
    /// </summary>
    static void CheckSameReplica(ICommunicator communicator, Func<ReplicaIdentity> identity)
    {
        if (communicator.Size == 1) return;
        var mine = communicator.Agree(identity);
        communicator.Agree(() => DataParallelGroup.CheckSameReplica(communicator, mine));
    }

    TrainingProgress Progress(StepMeasurement step, double smoothed, long startStep, TimeSpan session, TimeSpan elapsed)
    {
        long? total = ScheduleSteps ?? Config.MaxSteps;
        double stepsPerSecond = (Step - startStep) / Math.Max(session.TotalSeconds, 1e-9);
        double fraction = 0;
        TimeSpan? remaining = null;
        if (total is long steps)
        {
            fraction = Math.Min(1, (double)Step / steps);
            remaining = TimeSpan.FromSeconds(Math.Max(0, steps - Step) / Math.Max(stepsPerSecond, 1e-9));
        }
        if (Config.Budget is TimeSpan budget)
        {
            fraction = Math.Max(fraction, Math.Min(1, elapsed / budget));
            var left = budget - elapsed < TimeSpan.Zero ? TimeSpan.Zero : budget - elapsed;
            remaining = remaining is TimeSpan bySteps && bySteps < left && Config.MaxSteps is not null ? bySteps : left;
        }
        return new TrainingProgress(Step, total, fraction, step.Loss, smoothed, step.LearningRate,
            stepsPerSecond * Config.BatchSize, elapsed, remaining);
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
        dataset.VerifyEpisodeFiles();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var episode in dataset.Episodes)
            foreach (string action in episode.Actions)
            {
                if (!seen.Add(action)) continue;
                try
                {
                    model.Dynamics.CheckAction(action);
                }
                catch (ArgumentException e)
                {
                    string path = Path.Combine(dataset.Folder, EpisodeDatasetJson.HeaderFile);
                    throw new EpisodeDatasetException(path, $"Episode {episode.Id} of the data set at {dataset.Folder}: {e.Message}", e);
                }
            }
    }

    static void CheckFrameSize(WorldModelConfig config, EpisodeDataset dataset, string what)
    {
        var info = dataset.Info;
        if (info.FrameHeight != config.ImageSize || info.FrameWidth != config.ImageSize)
            throw new ArgumentException(
                $"The data set at {dataset.Folder} has {info.FrameHeight}×{info.FrameWidth} frames, but {what} ({config.Preset} preset) takes " +
                $"{config.ImageSize}×{config.ImageSize} frames.", nameof(dataset));
    }

    /// <summary>
    /// Under a time budget, estimates the schedule's length from this session's pace: first after
    /// <see cref="TrainingConfig.CalibrationSteps"/> timed steps (not counting the first one it sees, which pays one-time
    /// costs), or fewer when timing them has taken a twentieth of the budget, then again every
    /// <see cref="RecalibrationInterval"/> steps, so that a slow start (a busy machine, warm-up costs) does not leave the
    /// rest of the budget at the floor learning rate. Each estimate is the steps the rest of the budget holds at the mean
    /// cost so far (plus each step's share of validation until the clock has seen one), capped by the step count when there is one.
    /// </summary>
    sealed class ScheduleCalibration
    {
        /// <summary>Steps between re-estimates once calibrated.</summary>
        public const int RecalibrationInterval = 50;

        readonly Stopwatch _clock = new();
        long _startStep = -1;
        bool _calibrated;

        /// <summary>Called after each step; a new estimate of the schedule's length when one is due, else null.</summary>
        public long? Observe(long step, TimeSpan elapsed, TrainingConfig config, double validationSeconds)
        {
            if (config.Budget is not TimeSpan budget) return null;
            if (_startStep < 0)
            {
                _startStep = step;
                _clock.Restart();
                return null;
            }
            long timed = step - _startStep;
            bool due = _calibrated
                ? timed % RecalibrationInterval == 0
                : timed >= config.CalibrationSteps || _clock.Elapsed >= budget / 20;
            if (!due) return null;
            _calibrated = true;
            double validationShare = timed < config.ValidateEvery ? validationSeconds / config.ValidateEvery : 0;
            double secondsPerStep = _clock.Elapsed.TotalSeconds / timed + validationShare;
            double left = Math.Max(0, (budget - elapsed).TotalSeconds);
            long estimate = step + (long)Math.Floor(left / Math.Max(secondsPerStep, 1e-9));
            return Math.Max(step, Math.Min(estimate, config.MaxSteps ?? long.MaxValue));
        }
    }

    /// <summary>A checkpoint's model and state, read by every rank before the replica check.</summary>
    sealed record LoadedCheckpoint(PanWorldModel Model, TrainingState State) : IDisposable
    {
        public void Dispose() => Model.Dispose();
    }

    readonly record struct StepMeasurement(double Loss, double Flow, double Latent, double Reconstruction, double Painted, double GradNorm, double LearningRate);

    /// <summary>Sums of the steps since the last metric line.</summary>
    sealed class StepTotals
    {
        readonly List<StepMeasurement> _steps = [];
        readonly Stopwatch _clock = Stopwatch.StartNew();

        public int Steps => _steps.Count;

        public double Seconds => Math.Max(_clock.Elapsed.TotalSeconds, 1e-9);

        public StepMeasurement Last => _steps[^1];

        public void Add(StepMeasurement step) => _steps.Add(step);

        public double Mean(Func<StepMeasurement, double> value) => _steps.Average(value);
    }
}
