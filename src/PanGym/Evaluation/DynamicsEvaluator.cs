using System.Diagnostics;
using PanGym.Gym;

namespace PanGym.Evaluation;

/// <summary>
/// Measures a world model's dynamics against a ground-truth environment the way PAN §7 argues, always beside the
/// "copy the last frame" baseline: on held-out seeded episodes, one-step PSNR, SSIM and action fidelity (teacher
/// forced), the drift of autoregressive rollouts to the horizon in pixels and in probed state, the smoothness of the
/// rollouts against the truth's own motion, the consistency of the imagined objects, and, given a no-history variant
/// of the model, the paired one-step ablation.
/// </summary>
/// <param name="config">Episodes, horizon, seeds and tolerances (default <see cref="EvaluationConfig.Default"/>).</param>
public sealed class DynamicsEvaluator(EvaluationConfig? config = null)
{
    /// <summary>Episodes, horizon, seeds and tolerances.</summary>
    public EvaluationConfig Config { get; } = config ?? EvaluationConfig.Default;

    /// <summary>Evaluates <paramref name="model"/> on <paramref name="simulator"/>'s held-out episodes.</summary>
    /// <param name="simulator">The ground-truth environment, at the model's frame size.</param>
    /// <param name="model">The predictor under test.</param>
    /// <param name="noHistory">The same model with its history cut to the last state (<see cref="WorldModel.HistoryWindow.LastStateOnly"/>);
    /// null skips the ablation. It matters where <see cref="IGroundTruthSimulator.HasHiddenState"/>.</param>
    /// <param name="openLoop">The same model without the closed loop (<see cref="Imagination.ClosedLoop.Off"/>), whose drift the report
    /// shows beside the model's; null skips it.</param>
    /// <param name="details">Facts for the report's header (checkpoint, sampling, …).</param>
    /// <param name="progress">Told the name of each stage as it starts.</param>
    /// <param name="tagStep">Tags each one-step record (<see cref="EvaluationReport.OneStepRecords"/>) from the true episode and the step t
    /// (a_t from o_t to o_{t+1}; <see cref="GroundTruthEpisode.Infos"/> holds the states); null tags every step "".</param>
    /// <exception cref="ArgumentException">A predictor's frame size differs from the environment's.</exception>
    public EvaluationReport Evaluate(IGroundTruthSimulator simulator, IFramePredictor model, IFramePredictor? noHistory = null,
        IReadOnlyList<KeyValuePair<string, string>>? details = null, IProgress<string>? progress = null, IFramePredictor? openLoop = null,
        Func<GroundTruthEpisode, int, string>? tagStep = null)
    {
        ArgumentNullException.ThrowIfNull(simulator);
        ArgumentNullException.ThrowIfNull(model);
        CheckSize(simulator, model);
        if (noHistory is not null) CheckSize(simulator, noHistory);
        if (openLoop is not null) CheckSize(simulator, openLoop);
        var clock = Stopwatch.StartNew();
        int size = simulator.FrameSize;
        var scoring = new FrameScoring(simulator.Probe, size, Config);

        var episodes = RecordEpisodes(simulator, progress);
        var truthObjects = episodes.Select(e => e.Frames.Select(simulator.Probe.Probe).ToArray()).ToArray();
        var actions = episodes.Select(e => e.Actions).ToArray();
        var copyLast = new CopyLastFramePredictor(size);

        var oneStepRecords = OneStepRecordsOf(model, episodes, truthObjects, scoring, tagStep, progress);
        var oneStepCopyRecords = OneStepRecordsOf(copyLast, episodes, truthObjects, scoring, tagStep, progress);
        FrameScore[] oneStep = [.. oneStepRecords.Select(r => r.Score)], oneStepCopy = [.. oneStepCopyRecords.Select(r => r.Score)];
        FrameScore[]? oneStepNoHistory = noHistory is null ? null : [.. OneStepRecordsOf(noHistory, episodes, truthObjects, scoring, null, progress).Select(r => r.Score)];

        IReadOnlyList<IReadOnlyList<Image>> Rollouts(IFramePredictor predictor)
        {
            progress?.Report($"rollouts to horizon {Config.Horizon}: {predictor.Name}");
            var rolled = predictor.Rollout([.. episodes.Select(e => e.Frames[0])], actions);
            CheckShape(predictor, rolled, Config.Horizon);
            return rolled;
        }

        IReadOnlyList<IReadOnlyList<FrameScore>> RolloutScores(IReadOnlyList<IReadOnlyList<Image>> rolled) =>
            [.. episodes.Select((e, i) => (IReadOnlyList<FrameScore>)[.. Enumerable.Range(1, e.Steps).Select(h =>
                scoring.Score(rolled[i][h - 1], e.Frames[h], e.Positions[h], null, truthObjects[i][h]))])];

        var rollouts = Rollouts(model);
        var rolloutScores = RolloutScores(rollouts);
        var drift = DriftCurve.From(model.Name, rolloutScores);
        var driftCopy = DriftCurve.From(copyLast.Name, RolloutScores(Rollouts(copyLast)));
        var driftOpenLoop = openLoop is null ? null : DriftCurve.From(openLoop.Name, RolloutScores(Rollouts(openLoop)));

        progress?.Report("smoothness");
        var smoothness = new SmoothnessMetrics(
            Estimate.OfMean(episodes.SelectMany((e, i) => Enumerable.Range(0, e.Steps).Select(t =>
                PixelError.MeanAbsoluteDifference(t == 0 ? e.Frames[0] : rollouts[i][t - 1], rollouts[i][t]))), least: 0),
            Estimate.OfMean(episodes.SelectMany(e => Enumerable.Range(0, e.Steps).Select(t =>
                PixelError.MeanAbsoluteDifference(e.Frames[t], e.Frames[t + 1]))), least: 0));
        var rolloutConsistency = Estimate.OfProportion(rolloutScores.Sum(e => e.Count(s => s.Consistent)), rolloutScores.Sum(e => e.Count));

        var oneStepMetrics = OneStepMetrics.From(model.Name, oneStep);
        AblationResult? ablation = oneStepNoHistory is null ? null : new AblationResult(
            oneStepMetrics,
            OneStepMetrics.From(noHistory!.Name, oneStepNoHistory),
            Estimate.OfMean(oneStep.Zip(oneStepNoHistory, (full, cut) => cut.MeanSquaredError - full.MeanSquaredError)),
            Estimate.OfMean(oneStep.Zip(oneStepNoHistory, (full, cut) => cut.PositionError - full.PositionError)));

        var samples = episodes.Take(Config.SampleVideos)
            .Select((e, i) => new RolloutSample(e.Seed, e.Actions, e.Frames, rollouts[i]))
            .ToArray();
        return new EvaluationReport(simulator.Name, size, Config, details ?? [], oneStepMetrics, OneStepMetrics.From(copyLast.Name, oneStepCopy),
            drift, driftCopy, smoothness, rolloutConsistency, ablation, samples, clock.Elapsed, driftOpenLoop, oneStepRecords, oneStepCopyRecords);
    }

    /// <summary>
    /// Only the one-step (teacher-forced) part of <see cref="Evaluate"/>: <paramref name="predictor"/>'s score on every held-out
    /// step, tagged by <paramref name="tagStep"/>, for grouping with <see cref="OneStepRecords.ByTag"/> without paying for rollouts.
    /// </summary>
    /// <exception cref="ArgumentException">The predictor's frame size differs from the environment's.</exception>
    public IReadOnlyList<OneStepRecord> ScoreOneStep(IGroundTruthSimulator simulator, IFramePredictor predictor, Func<GroundTruthEpisode, int, string>? tagStep = null)
    {
        ArgumentNullException.ThrowIfNull(simulator);
        ArgumentNullException.ThrowIfNull(predictor);
        CheckSize(simulator, predictor);
        var episodes = RecordEpisodes(simulator, null);
        var truthObjects = episodes.Select(e => e.Frames.Select(simulator.Probe.Probe).ToArray()).ToArray();
        return OneStepRecordsOf(predictor, episodes, truthObjects, new FrameScoring(simulator.Probe, simulator.FrameSize, Config), tagStep, null);
    }

    GroundTruthEpisode[] RecordEpisodes(IGroundTruthSimulator simulator, IProgress<string>? progress)
    {
        progress?.Report($"recording {Config.Episodes} held-out {simulator.Name} episodes");
        var episodes = Config.EpisodeSeeds.Select(seed => simulator.Record(seed, Config.Horizon)).ToArray();
        foreach (var episode in episodes)
        {
            episode.Frames[0].EnsureSize(simulator.FrameSize, simulator.FrameSize, $"{simulator.Name} frame");
            if (episode.Steps != Config.Horizon)
                throw new InvalidOperationException($"{simulator.Name} recorded {episode.Steps} steps for seed {episode.Seed}, not the {Config.Horizon} asked for.");
        }
        return episodes;
    }

    OneStepRecord[] OneStepRecordsOf(IFramePredictor predictor, GroundTruthEpisode[] episodes, IReadOnlyList<ProbedObject>[][] truthObjects,
        FrameScoring scoring, Func<GroundTruthEpisode, int, string>? tagStep, IProgress<string>? progress)
    {
        progress?.Report($"one step ahead: {predictor.Name}");
        var predicted = predictor.PredictOneStep([.. episodes.Select(e => e.Frames)], [.. episodes.Select(e => e.Actions)]);
        CheckShape(predictor, predicted, Config.Horizon);
        return [.. episodes.SelectMany((e, i) => Enumerable.Range(0, e.Steps).Select(t => new OneStepRecord(i, e.Seed, t, e.Actions[t],
            scoring.Score(predicted[i][t], e.Frames[t + 1], e.Positions[t + 1], e.Displacements[t], truthObjects[i][t + 1]),
            tagStep?.Invoke(e, t) ?? "")))];
    }

    static void CheckSize(IGroundTruthSimulator simulator, IFramePredictor predictor)
    {
        if (predictor.FrameSize != simulator.FrameSize)
            throw new ArgumentException(
                $"The {predictor.Name} predicts {predictor.FrameSize}×{predictor.FrameSize} frames but {simulator.Name} renders " +
                $"{simulator.FrameSize}×{simulator.FrameSize}: make the environment at the model's frame size.", nameof(predictor));
    }

    static void CheckShape(IFramePredictor predictor, IReadOnlyList<IReadOnlyList<Image>> predicted, int steps)
    {
        if (predicted.Any(episode => episode.Count != steps))
            throw new InvalidOperationException($"The {predictor.Name} returned a prediction list whose length is not the {steps} steps asked for.");
    }
}
