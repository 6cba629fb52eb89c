using PanGym.Envs;
using PanGym.Evaluation;
using PanGym.Gym;
using PanGym.Imagination;
using PanGym.WorldModel;

namespace PanGym.Tests.Evaluation;

/// <summary>The mechanics of a world model as a predictor, on an untrained tiny model (its figures mean nothing; its shapes and invariants do).</summary>
public sealed class WorldModelPredictorTests : IDisposable
{
    static readonly RolloutOptions Fast = new(sampling: new FlowSamplingOptions(steps: 2, temperature: 0));

    static RolloutOptions FastWith(HistoryWindow window) => new(sampling: Fast.Sampling, history: window);
    readonly PanGym.WorldModel.PanWorldModel _model = PanGym.WorldModel.PanWorldModel.Create(WorldModelConfig.Tiny, seed: 11);
    readonly IGroundTruthSimulator _simulator = GroundTruthSimulators.For(new ShapesWorld(ShapesWorldConfig.Small));

    public void Dispose()
    {
        _model.Dispose();
        _simulator.Dispose();
    }

    static bool Same(IReadOnlyList<Image> a, IReadOnlyList<Image> b) => a.Count == b.Count && a.Zip(b).All(p => p.First.Equals(p.Second));

    [Fact]
    public void One_step_predictions_and_rollouts_have_one_frame_per_action_and_repeat_for_a_seed()
    {
        var episodes = new[] { _simulator.Record(1, 3), _simulator.Record(2, 3) };
        IReadOnlyList<IReadOnlyList<Image>> frames = [.. episodes.Select(e => e.Frames)];
        IReadOnlyList<IReadOnlyList<string>> actions = [.. episodes.Select(e => e.Actions)];
        var predictor = new WorldModelPredictor(_model, Fast, seed: 4);

        var oneStep = predictor.PredictOneStep(frames, actions);
        Assert.Equal(2, oneStep.Count);
        Assert.All(oneStep, e => Assert.Equal(3, e.Count));
        Assert.All(oneStep.SelectMany(e => e), f => Assert.Equal((32, 32), (f.Height, f.Width)));
        var again = predictor.PredictOneStep(frames, actions);
        Assert.True(oneStep.Zip(again).All(p => Same(p.First, p.Second)));

        var rollout = predictor.Rollout([.. episodes.Select(e => e.Frames[0])], actions);
        Assert.All(rollout, e => Assert.Equal(3, e.Count));
        Assert.True(rollout.Zip(predictor.Rollout([.. episodes.Select(e => e.Frames[0])], actions)).All(p => Same(p.First, p.Second)));
    }

    [Fact]
    public void Episodes_of_different_lengths_come_back_in_order()
    {
        var shorter = _simulator.Record(3, 2);
        var longer = _simulator.Record(4, 4);
        var predictor = new WorldModelPredictor(_model, Fast);
        var oneStep = predictor.PredictOneStep([longer.Frames, shorter.Frames], [longer.Actions, shorter.Actions]);
        Assert.Equal([4, 2], oneStep.Select(e => e.Count));
        var rollout = predictor.Rollout([shorter.Frames[0], longer.Frames[0]], [shorter.Actions, longer.Actions]);
        Assert.Equal([2, 4], rollout.Select(e => e.Count));
    }

    /// <summary>Episode 6 of <paramref name="steps"/> steps, and its frames and actions with o_0 taken from episode 7 and a_0 changed to "wait".</summary>
    (GroundTruthEpisode Episode, Image[] Frames, string[] Actions) EpisodeWithAnotherStart(int steps)
    {
        var episode = _simulator.Record(6, steps);
        var frames = episode.Frames.ToArray();
        frames[0] = _simulator.Record(7, 1).Frames[0];
        return (episode, frames, ["wait", .. episode.Actions.Skip(1)]);
    }

    [Fact]
    public void Without_history_a_prediction_depends_only_on_the_current_frame_and_action()
    {
        var (episode, changed, changedActions) = EpisodeWithAnotherStart(steps: 3);
        Assert.NotEqual(episode.Frames[0], changed[0]);

        var cut = new WorldModelPredictor(_model, FastWith(HistoryWindow.LastStateOnly));
        var original = cut.PredictOneStep([episode.Frames], [episode.Actions])[0];
        var altered = cut.PredictOneStep([changed], [changedActions])[0];
        Assert.Equal(original[1], altered[1]);
        Assert.Equal(original[2], altered[2]);
        Assert.Equal("world model, no history", cut.Name);
    }

    [Fact]
    public void The_history_reads_only_the_turns_of_its_window()
    {
        // A fresh model predicts "nothing changes" whatever it reads; shaken weights make every input count.
        var (episode, changed, changedActions) = EpisodeWithAnotherStart(steps: 4);
        using (TorchSharp.torch.no_grad())
            foreach (var weight in _model.parameters())
                weight.add_(TorchSharp.torch.randn(weight.shape, generator: new TorchSharp.torch.Generator(5)).mul_(0.2));

        var windowed = new WorldModelPredictor(_model, FastWith(new HistoryWindow(maxTurns: 2, keptTurns: 1)));
        var original = windowed.PredictOneStep([episode.Frames], [episode.Actions])[0];
        var altered = windowed.PredictOneStep([changed], [changedActions])[0];
        Assert.NotEqual(original[1], altered[1]);
        Assert.Equal(original[2], altered[2]);
        Assert.Equal(original[3], altered[3]);

        var whole = new WorldModelPredictor(_model, FastWith(new HistoryWindow(maxTurns: 8, keptTurns: 4)));
        Assert.NotEqual(whole.PredictOneStep([episode.Frames], [episode.Actions])[0][2], whole.PredictOneStep([changed], [changedActions])[0][2]);
        Assert.Throws<ArgumentException>(() => new WorldModelPredictor(_model, FastWith(new HistoryWindow(maxTurns: 100_000, keptTurns: 1))));
    }

    [Theory]
    [InlineData(false, ClosedLoop.Reencode)]
    [InlineData(true, ClosedLoop.Reencode)]
    [InlineData(false, ClosedLoop.Off)]
    public void Predictions_leave_no_tensors_behind(bool lastStateOnly, ClosedLoop loop)
    {
        var episode = _simulator.Record(8, 3);
        var predictor = new WorldModelPredictor(_model, new RolloutOptions(loop, Fast.Sampling, lastStateOnly ? HistoryWindow.LastStateOnly : null));
        predictor.PredictOneStep([episode.Frames], [episode.Actions]);
        predictor.Rollout([episode.Frames[0]], [episode.Actions]);
        var before = TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        predictor.PredictOneStep([episode.Frames], [episode.Actions]);
        predictor.Rollout([episode.Frames[0]], [episode.Actions]);
        Assert.Equal(before, TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void Bad_input_is_refused_with_the_problem_named()
    {
        var predictor = new WorldModelPredictor(_model, Fast);
        var episode = _simulator.Record(1, 2);
        var e = Assert.Throws<ArgumentException>(() => predictor.PredictOneStep([episode.Frames.Take(2).ToArray()], [episode.Actions]));
        Assert.Contains("needs 3 frames", e.Message);
        e = Assert.Throws<ArgumentException>(() => predictor.Rollout([new Image(64, 64)], [["wait"]]));
        Assert.Contains("64×64", e.Message);
        Assert.Throws<ArgumentException>(() => predictor.Rollout([episode.Frames[0]], [[]]));
    }
}
