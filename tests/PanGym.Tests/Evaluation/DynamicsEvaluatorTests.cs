using PanGym.Envs;
using PanGym.Evaluation;

namespace PanGym.Tests.Evaluation;

public sealed class DynamicsEvaluatorTests
{
    static readonly EvaluationConfig Config = new(episodes: 4, horizon: 12, seed: 5, sampleVideos: 2);

    static IGroundTruthSimulator Shapes() => GroundTruthSimulators.For(new ShapesWorld(ShapesWorldConfig.Small));

    static IGroundTruthSimulator Momentum() => GroundTruthSimulators.For(new MomentumWorld(MomentumWorldConfig.Small));

    static OraclePredictor Oracle(IGroundTruthSimulator simulator) => new([.. Config.EpisodeSeeds.Select(s => simulator.Record(s, Config.Horizon))]);

    [Fact]
    public void A_perfect_predictor_scores_full_fidelity_and_capped_psnr()
    {
        using var simulator = Shapes();
        var report = new DynamicsEvaluator(Config).Evaluate(simulator, Oracle(simulator));

        Assert.Equal(1, report.OneStep.ActionFidelity.Mean);
        Assert.Equal(PixelError.PsnrCap, report.OneStep.Psnr.Mean);
        Assert.Equal(1, report.OneStep.Ssim.Mean, 12);
        Assert.Equal(0, report.OneStep.PositionError.Mean, 12);
        Assert.Equal(1, report.OneStep.Consistency.Mean);
        Assert.Equal(Config.Episodes * Config.Horizon, report.OneStep.ActionFidelity.Count);
        Assert.All(report.Drift.Psnr, p => Assert.Equal(PixelError.PsnrCap, p.Mean));
        Assert.All(report.Drift.PositionError, p => Assert.Equal(0, p.Mean, 12));
        Assert.Equal(Config.Horizon, report.Drift.Horizon);
        Assert.Equal(1, report.RolloutConsistency.Mean);
        Assert.Equal(report.Smoothness.Truth.Mean, report.Smoothness.Predicted.Mean, 12);
        Assert.True(report.PsnrGain > 0);
        Assert.Null(report.Ablation);
        Assert.Equal(2, report.Samples.Count);
        Assert.Equal(Config.Horizon + 1, report.Samples[0].SideBySide().Count);
        Assert.Equal(EvaluationConfig.HeldOutSeedBase + 5, report.Seeds[0]);
    }

    [Fact]
    public void Copying_the_last_frame_is_faithful_exactly_on_the_steps_where_nothing_moves()
    {
        using var simulator = Shapes();
        var episodes = Config.EpisodeSeeds.Select(s => simulator.Record(s, Config.Horizon)).ToArray();
        int still = episodes.Sum(e => e.Displacements.Count(d => d.Values.All(v => v == (0, 0))));
        int steps = episodes.Sum(e => e.Steps);
        Assert.InRange(still, 1, steps - 1);

        var report = new DynamicsEvaluator(Config).Evaluate(simulator, new CopyLastFramePredictor(simulator.FrameSize));
        Assert.Equal((double)still / steps, report.OneStep.ActionFidelity.Mean, 12);
        Assert.Equal(report.OneStep.ActionFidelity.Mean, report.OneStepCopyLast.ActionFidelity.Mean, 12);
        Assert.Equal(0, report.Smoothness.Predicted.Mean);
        Assert.Equal(0, report.PsnrGain, 12);
    }

    [Fact]
    public void The_ablation_reports_a_paired_difference_that_excludes_zero_when_history_helps()
    {
        using var simulator = Momentum();
        Assert.True(simulator.HasHiddenState);
        var report = new DynamicsEvaluator(Config).Evaluate(simulator, Oracle(simulator), new CopyLastFramePredictor(simulator.FrameSize));

        var ablation = Assert.IsType<AblationResult>(report.Ablation);
        Assert.True(ablation.HistoryHelps);
        Assert.True(ablation.MeanSquaredErrorDifference.ExcludesZero);
        Assert.True(ablation.MeanSquaredErrorDifference.Mean > 0);
        Assert.Equal(Config.Episodes * Config.Horizon, ablation.MeanSquaredErrorDifference.Count);
        Assert.Equal(ablation.NoHistory.MeanSquaredError.Mean - ablation.FullHistory.MeanSquaredError.Mean, ablation.MeanSquaredErrorDifference.Mean, 9);
        Assert.Equal(1, report.OneStep.ActionFidelity.Mean);
    }

    [Fact]
    public void A_predictor_of_another_frame_size_is_refused()
    {
        using var simulator = Shapes();
        var e = Assert.Throws<ArgumentException>(() => new DynamicsEvaluator(Config).Evaluate(simulator, new CopyLastFramePredictor(64)));
        Assert.Contains("64×64", e.Message);
        Assert.Contains("32×32", e.Message);
        e = Assert.Throws<ArgumentException>(() => new DynamicsEvaluator(Config).Evaluate(simulator, Oracle(simulator), new CopyLastFramePredictor(16)));
        Assert.Contains("16×16", e.Message);
    }

    /// <summary>A tag of the caller's own, read from the true states the episode's infos carry.</summary>
    static string MovedOrStill(GroundTruthEpisode episode, int t) =>
        Equals(episode.Infos![t]["state"], episode.Infos[t + 1]["state"]) ? "still" : "moved";

    [Fact]
    public void Per_step_records_group_by_a_callers_tag_and_the_reports_aggregates_are_their_means()
    {
        using var simulator = Shapes();
        var report = new DynamicsEvaluator(Config).Evaluate(simulator, new CopyLastFramePredictor(simulator.FrameSize), tagStep: MovedOrStill);

        var records = report.OneStepRecords!;
        Assert.Equal(Config.Episodes * Config.Horizon, records.Count);
        Assert.Equal(Config.EpisodeSeeds, records.Where(r => r.Step == 0).Select(r => r.Seed));
        Assert.Equal(Enumerable.Range(0, Config.Horizon), records.Where(r => r.Episode == 1).Select(r => r.Step));
        Assert.Equal(report.OneStep.MeanSquaredError.Mean, records.Average(r => r.Score.MeanSquaredError), 9);
        Assert.Equal(report.OneStep.Ssim.Mean, records.Average(r => r.Score.Ssim), 9);
        Assert.Equal(report.OneStep.PositionError.Mean, records.Average(r => r.Score.PositionError), 9);
        Assert.Equal(report.OneStep.ActionFidelity.Mean, records.Average(r => r.Score.Faithful ? 1.0 : 0.0), 12);
        Assert.Equal(report.OneStepCopyLast.ActionFidelity.Mean, report.OneStepRecordsCopyLast!.Average(r => r.Score.Faithful ? 1.0 : 0.0), 12);

        var byTag = OneStepRecords.ByTag(records, "copy last frame");
        Assert.Equal(["moved", "still"], byTag.Keys);
        Assert.Equal(1, byTag["still"].ActionFidelity.Mean);
        Assert.Equal(0, byTag["moved"].ActionFidelity.Mean);
        Assert.Equal(records.Count(r => r.Tag == "moved"), byTag["moved"].ActionFidelity.Count);
        Assert.Equal(records.Where(r => r.Tag == "moved").Average(r => r.Score.MeanSquaredError), byTag["moved"].MeanSquaredError.Mean, 9);
        Assert.Equal(0, byTag["still"].MeanSquaredError.Mean);
    }

    [Fact]
    public void One_step_scores_alone_equal_the_full_evaluations_records()
    {
        using var simulator = Momentum();
        var evaluator = new DynamicsEvaluator(Config);
        var alone = evaluator.ScoreOneStep(simulator, Oracle(simulator), MovedOrStill);
        var full = evaluator.Evaluate(simulator, Oracle(simulator), tagStep: MovedOrStill).OneStepRecords!;
        Assert.Equal(full, alone);
        Assert.All(alone, r => Assert.True(r.Score.Faithful));
        Assert.Equal("", evaluator.ScoreOneStep(simulator, Oracle(simulator))[0].Tag);
    }

    [Fact]
    public void Bad_configurations_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new EvaluationConfig(episodes: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new EvaluationConfig(horizon: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new EvaluationConfig(seed: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new EvaluationConfig(relativeTolerance: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new EvaluationConfig(stillTolerance: double.NaN));
    }

    [Fact]
    public void Held_out_seeds_lie_outside_the_training_data_seeds()
    {
        var seeds = EvaluationConfig.Default.EpisodeSeeds;
        var training = new PanGym.Data.EpisodeGenerationConfig(episodes: 1000, stepsPerEpisode: 1, baseSeed: 12345);
        var trainingSeeds = Enumerable.Range(0, training.Episodes).Select(i => training.EpisodeSeed(i).Seed).ToHashSet();
        Assert.DoesNotContain(seeds, trainingSeeds.Contains);
        Assert.Equal(seeds.Count, seeds.Distinct().Count());
    }
}
