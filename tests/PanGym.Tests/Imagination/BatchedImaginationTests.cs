using PanGym.Envs;
using PanGym.Imagination;
using PanGym.WorldModel;
using TorchSharp;
using static TorchSharp.torch;

namespace PanGym.Tests.Imagination;

public sealed class BatchedImaginationTests : IDisposable
{
    readonly PanGym.WorldModel.PanWorldModel _model = TinyWorld.MovingModel(seed: 3);
    readonly ImaginedTrajectories _root;

    public BatchedImaginationTests()
    {
        // Two observed turns of shared history, so the branches really share a past.
        using var scope = NewDisposeScope();
        var follower = new ImaginationEngine(_model);
        _root = follower.Start([TinyWorld.Frame(5)]);
        foreach (var (action, next) in new[] { ("move the red circle left", 6), ("wait", 7) })
            follower.Observe(_root, [action], _model.ToModelPixels([TinyWorld.Frame(next)]));
    }

    public void Dispose()
    {
        _root.Dispose();
        _model.Dispose();
    }

    /// <summary>Latent-only imagination: the open loop, no frames decoded unless the reward reads them.</summary>
    static ImaginationOptions Open(bool keepLatents = false, bool shareBranches = true, int maxRowsPerPass = 64, bool keepFrames = false, double discount = 1) =>
        new(discount, shareBranches, keepLatents, keepFrames, new RolloutOptions(ClosedLoop.Off, TinyWorld.DeterministicSampling), maxRowsPerPass: maxRowsPerPass);

    static IReadOnlyList<IReadOnlyList<string>> Sequences(int count, int horizon, int seed)
    {
        var random = new Random(seed);
        var candidates = ShapesWorldAction.Candidates;
        return Enumerable.Range(0, count)
            .Select(_ => (IReadOnlyList<string>)Enumerable.Range(0, horizon).Select(_ => candidates[random.Next(3)]).ToArray())
            .ToArray();
    }

    [Theory]
    [InlineData(ClosedLoop.Reencode, true, 64)]
    [InlineData(ClosedLoop.Reencode, false, 64)]
    [InlineData(ClosedLoop.Reencode, true, 3)]
    [InlineData(ClosedLoop.Off, true, 64)]
    [InlineData(ClosedLoop.Off, false, 3)]
    public void Batched_branched_and_one_at_a_time_imagination_agree(ClosedLoop loop, bool shareBranches, int maxRowsPerPass)
    {
        var sequences = Sequences(8, 3, seed: 1);
        using var goal = LatentGoalReward.FromImage(_model, TinyWorld.Frame(9));
        var imagination = new BatchedImagination(_model, new ImaginationOptions(keepLatents: true, keepFrames: true, shareBranches: shareBranches,
            maxRowsPerPass: maxRowsPerPass, rollout: new RolloutOptions(loop, TinyWorld.DeterministicSampling)));
        int turns = _root.History.Turns;

        using var batched = imagination.Imagine(_root, sequences, goal);
        using var alone = imagination.ImagineEach(_root, sequences, goal);

        Assert.Equal(turns, _root.History.Turns);
        double frames = (batched.Frames! - alone.Frames!).abs().max().item<float>();
        Assert.True(frames < 1e-5, $"batched and one-at-a-time frames differ by {frames}");
        Assert.Equal([8, 3, 16, 64], batched.Latents!.shape);
        double largest = (batched.Latents - alone.Latents!).abs().max().item<float>();
        Assert.True(largest < 1e-5, $"batched and one-at-a-time latents differ by {largest}");
        for (int b = 0; b < sequences.Count; b++) Assert.Equal(alone.Returns[b], batched.Returns[b], 1e-5);
        Assert.Equal(24, alone.ComputedSteps);
    }

    [Fact]
    public void Shared_branches_compute_each_distinct_action_prefix_once()
    {
        var sequences = Sequences(16, 3, seed: 2);
        int distinct = Enumerable.Range(1, 3).Sum(depth => sequences.Select(s => string.Join("|", s.Take(depth))).Distinct().Count());
        var imagination = new BatchedImagination(_model, Open(maxRowsPerPass: 5));

        using var result = imagination.Imagine(_root, sequences, DelegateReward.Zero);

        Assert.Equal(48, result.RequestedSteps);
        Assert.Equal(distinct, result.ComputedSteps);
        Assert.True(result.ComputedSteps < result.RequestedSteps);
    }

    [Fact]
    public void Without_the_closed_loop_frames_are_decoded_only_when_the_reward_reads_them()
    {
        var sequences = Sequences(3, 2, seed: 3);
        var seen = new List<long[]?>();
        StepRewards Record(ImaginedStep step)
        {
            seen.Add(step.Frames?.shape);
            return new StepRewards(new double[step.BatchSize]);
        }
        var imagination = new BatchedImagination(_model, Open());

        imagination.Imagine(_root, sequences, new DelegateReward(Record)).Dispose();
        Assert.All(seen, shape => Assert.Null(shape));

        seen.Clear();
        imagination.Imagine(_root, sequences, new DelegateReward(Record, needsFrames: true)).Dispose();
        Assert.All(seen, shape => Assert.Equal(3, shape!.Length == 4 ? shape[1] : -1));
        Assert.All(seen, shape => Assert.Equal([32, 32], shape![2..]));

        var keeping = new BatchedImagination(_model, Open(keepFrames: true, maxRowsPerPass: 2));
        using var kept = keeping.Imagine(_root, sequences, DelegateReward.Zero);
        Assert.Equal([3, 2, 3, 32, 32], kept.Frames!.shape);
        Assert.True(kept.Frames.abs().max().item<float>() <= 1);
    }

    [Fact]
    public void A_terminated_trajectory_stops_collecting_reward()
    {
        // Every trajectory whose first action is "wait" terminates at once with reward 1; the others earn 1 a step.
        var sequences = new IReadOnlyList<string>[] { ["wait", "wait", "wait"], ["move the red circle up", "wait", "wait"] };
        var reward = new DelegateReward(step => new StepRewards(
            step.Actions.Select(_ => 1.0).ToArray(),
            step.Actions.Select(a => step.Step == 0 && a == "wait").ToArray()));
        var imagination = new BatchedImagination(_model, Open(discount: 0.5));

        using var result = imagination.Imagine(_root, sequences, reward);

        Assert.Equal([1, 3], result.Lengths);
        Assert.Equal([true, false], result.Terminated);
        Assert.Equal(1.0, result.Returns[0], 12);
        Assert.Equal(1.75, result.Returns[1], 12);
        Assert.Equal([1.0, 0.0, 0.0], result.Rewards[0]);
        Assert.Equal(1 + 3, result.ComputedSteps);
    }

    [Fact]
    public void Bad_input_gives_clear_errors()
    {
        var imagination = new BatchedImagination(_model, Open());
        var reward = DelegateReward.Zero;
        var empty = Assert.Throws<ArgumentException>(() => imagination.Imagine(_root, [], reward));
        Assert.Contains("No action sequences", empty.Message);
        var ragged = Assert.Throws<ArgumentException>(() => imagination.Imagine(_root, [["wait"], ["wait", "wait"]], reward));
        Assert.Contains("same length", ragged.Message);
        var noActions = Assert.Throws<ArgumentException>(() => imagination.Imagine(_root, [Array.Empty<string>()], reward));
        Assert.Contains("empty", noActions.Message);
        using var pair = _root.Select([0, 0]);
        var batch = Assert.Throws<ArgumentException>(() => imagination.Imagine(pair, [["wait"]], reward));
        Assert.Contains("one trajectory", batch.Message);
        var narrow = new BatchedImagination(_model, new ImaginationOptions(rollout: new RolloutOptions(ClosedLoop.Off, history: new HistoryWindow(1, 0))));
        var tooMuchPast = Assert.Throws<ArgumentException>(() => narrow.Imagine(_root, [["wait"]], reward));
        Assert.Contains("window", tooMuchPast.Message);
    }

    [Fact]
    public void The_history_window_bounds_the_cache_and_re_reads_its_last_turns()
    {
        using var noGrad = no_grad();
        using var history = _model.NewHistory(1, new HistoryWindow(maxTurns: 4, keptTurns: 2));
        var turns = new List<int>();
        using var scope = NewDisposeScope();
        var state = _root.State.clone();
        for (int step = 0; step < 10; step++)
        {
            state = _model.PredictNext(history, state, ["wait"]);
            turns.Add(history.Turns);
        }
        Assert.Equal([1, 2, 3, 4, 3, 4, 3, 4, 3, 4], turns);
        Assert.Equal(3, history.Rebuilds);
        var tooWide = Assert.Throws<ArgumentException>(() => _model.NewHistory(1, new HistoryWindow(maxTurns: 100_000, keptTurns: 1)));
        Assert.Contains("positions", tooWide.Message);
    }
}
