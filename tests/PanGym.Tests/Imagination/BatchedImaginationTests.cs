using PanGym.Envs;
using PanGym.Imagination;
using TorchSharp;
using static TorchSharp.torch;

namespace PanGym.Tests.Imagination;

public sealed class BatchedImaginationTests : IDisposable
{
    readonly PanGym.WorldModel.WorldModel _model = TinyWorld.Model(seed: 3);
    readonly WindowedHistory _history;
    readonly Tensor _state;
    readonly Tensor _frame;

    public BatchedImaginationTests()
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        _history = new WindowedHistory(_model, 1);
        var frame = _model.ToModelPixels([TinyWorld.Frame(5)]);
        var state = _model.Encode(frame);
        // Two turns of shared history, so the branches really share a past.
        foreach (var action in new[] { "move the red circle left", "wait" })
            state = _history.PredictNext(state, [action]);
        _state = state.DetachFromDisposeScope();
        _frame = frame.DetachFromDisposeScope();
    }

    public void Dispose()
    {
        _history.Dispose();
        _state.Dispose();
        _frame.Dispose();
        _model.Dispose();
    }

    static IReadOnlyList<IReadOnlyList<string>> Sequences(int count, int horizon, int seed)
    {
        var random = new Random(seed);
        var candidates = ShapesWorldAction.Candidates;
        return Enumerable.Range(0, count)
            .Select(_ => (IReadOnlyList<string>)Enumerable.Range(0, horizon).Select(_ => candidates[random.Next(3)]).ToArray())
            .ToArray();
    }

    [Theory]
    [InlineData(true, 64)]
    [InlineData(false, 64)]
    [InlineData(true, 3)]
    public void Imagining_B_futures_from_one_history_equals_imagining_each_alone(bool shareBranches, int maxRowsPerPass)
    {
        var sequences = Sequences(8, 3, seed: 1);
        using var goal = LatentGoalReward.FromImage(_model, TinyWorld.Frame(9));
        var imagination = new BatchedImagination(_model, new ImaginationOptions(keepLatents: true, shareBranches: shareBranches, maxRowsPerPass: maxRowsPerPass));
        int turns = _history.Turns;

        using var batched = imagination.Imagine(_history.Current, _state, _frame, sequences, goal);
        using var alone = imagination.ImagineEach(_history.Current, _state, _frame, sequences, goal);

        Assert.Equal(turns, _history.Turns);
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
        var imagination = new BatchedImagination(_model, new ImaginationOptions(maxRowsPerPass: 5));

        using var result = imagination.Imagine(_history.Current, _state, _frame, sequences, DelegateReward.Zero);

        Assert.Equal(48, result.RequestedSteps);
        Assert.Equal(distinct, result.ComputedSteps);
        Assert.True(result.ComputedSteps < result.RequestedSteps);
    }

    [Fact]
    public void Frames_are_decoded_only_when_the_reward_reads_them()
    {
        var sequences = Sequences(3, 2, seed: 3);
        var seen = new List<long[]?>();
        StepRewards Record(ImaginedStep step)
        {
            seen.Add(step.Frames?.shape);
            return new StepRewards(new double[step.BatchSize]);
        }
        var imagination = new BatchedImagination(_model, new ImaginationOptions(sampling: TinyWorld.FastSampling));

        imagination.Imagine(_history.Current, _state, null, sequences, new DelegateReward(Record)).Dispose();
        Assert.All(seen, shape => Assert.Null(shape));

        seen.Clear();
        imagination.Imagine(_history.Current, _state, _frame, sequences, new DelegateReward(Record, needsFrames: true)).Dispose();
        Assert.All(seen, shape => Assert.Equal(3, shape!.Length == 4 ? shape[1] : -1));
        Assert.All(seen, shape => Assert.Equal([32, 32], shape![2..]));

        var keeping = new BatchedImagination(_model, new ImaginationOptions(sampling: TinyWorld.FastSampling, keepFrames: true, maxRowsPerPass: 2));
        using var kept = keeping.Imagine(_history.Current, _state, _frame, sequences, DelegateReward.Zero);
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
        var imagination = new BatchedImagination(_model, new ImaginationOptions(discount: 0.5));

        using var result = imagination.Imagine(_history.Current, _state, null, sequences, reward);

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
        var imagination = new BatchedImagination(_model);
        var reward = DelegateReward.Zero;
        var empty = Assert.Throws<ArgumentException>(() => imagination.Imagine(_history.Current, _state, null, [], reward));
        Assert.Contains("No action sequences", empty.Message);
        var ragged = Assert.Throws<ArgumentException>(() => imagination.Imagine(_history.Current, _state, null, [["wait"], ["wait", "wait"]], reward));
        Assert.Contains("same length", ragged.Message);
        var noActions = Assert.Throws<ArgumentException>(() => imagination.Imagine(_history.Current, _state, null, [Array.Empty<string>()], reward));
        Assert.Contains("empty", noActions.Message);
        var needsFrame = Assert.Throws<ArgumentException>(() => imagination.Imagine(_history.Current, _state, null, [["wait"]], new DelegateReward(_ => null!, needsFrames: true)));
        Assert.Contains("root frame", needsFrame.Message);
        using var pair = _history.Current.Repeat(2);
        var batch = Assert.Throws<ArgumentException>(() => imagination.Imagine(pair, _state, null, [["wait"]], reward));
        Assert.Contains("one trajectory", batch.Message);
        int limit = WindowedHistory.MaxTurnsFor(_model);
        var tooLong = Assert.Throws<ArgumentException>(() => imagination.Imagine(_history.Current, _state, null, [Enumerable.Repeat("wait", limit).ToArray()], reward));
        Assert.Contains("horizon", tooLong.Message);
    }

    [Fact]
    public void The_history_window_bounds_the_cache_and_re_reads_its_last_turns()
    {
        using var noGrad = no_grad();
        using var history = new WindowedHistory(_model, 1, new HistoryWindow(maxTurns: 4, keptTurns: 2));
        var turns = new List<int>();
        using var scope = NewDisposeScope();
        var state = _state.clone();
        for (int step = 0; step < 10; step++)
        {
            state = history.PredictNext(state, ["wait"]);
            turns.Add(history.Turns);
        }
        Assert.Equal([1, 2, 3, 4, 3, 4, 3, 4, 3, 4], turns);
        Assert.Equal(3, history.Rebuilds);
        var tooWide = Assert.Throws<ArgumentException>(() => new WindowedHistory(_model, 1, new HistoryWindow(maxTurns: 100_000, keptTurns: 1)));
        Assert.Contains("positions", tooWide.Message);
    }
}
