using PanGym.Backbone;
using PanGym.WorldModel;
using TorchSharp;
using static TorchSharp.torch;

namespace PanGym.Tests.WorldModel;

public class LatentDynamicsTests
{
    const int N = 4, D = 8;
    static readonly string[] Actions = ["move the red circle left", "wait", "push up", "move the blue square down"];

    static LatentDynamics Build(BackboneTraining training = BackboneTraining.Full, int seed = 0)
    {
        manual_seed(seed);
        return DynamicsOutput.Randomize(new LatentDynamics(new LatentDynamicsConfig(N, D, maxActionTokens: 32, training), new Qwen2Model(Qwen2Config.Tiny), new ByteTokenizer()), seed);
    }

    static IReadOnlyList<IReadOnlyList<string>> ActionRows(int batch, int length, int offset = 0) =>
        Enumerable.Range(0, batch).Select(b => (IReadOnlyList<string>)Enumerable.Range(0, length).Select(t => Actions[(b + t + offset) % Actions.Length]).ToArray()).ToArray();

    [Fact]
    public void Teacher_forced_prediction_has_one_next_state_per_step()
    {
        using var dynamics = Build();
        using var states = randn(2, 3, N, D);
        using var predicted = dynamics.PredictSequence(states, ActionRows(2, 3));
        Assert.Equal([2L, 3L, N, D], predicted.shape);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Perturbing_step_k_changes_no_prediction_before_it(bool perturbState)
    {
        using var dynamics = Build();
        using var noGrad = no_grad();
        const int length = 5, k = 2;
        using var states = randn(1, length, N, D);
        var actions = ActionRows(1, length);
        using var baseline = dynamics.PredictSequence(states, actions);

        using var changedStates = states.clone();
        var changedActions = actions.Select(r => (IReadOnlyList<string>)r.ToArray()).ToArray();
        if (perturbState) changedStates[0, k].add_(1.0);
        else ((string[])changedActions[0])[k] = "push down";
        using var perturbed = dynamics.PredictSequence(changedStates, changedActions);

        for (int t = 0; t < length; t++)
        {
            double difference = (perturbed[0, t] - baseline[0, t]).abs().max().item<float>();
            if (t < k) Assert.True(difference == 0, $"prediction {t} (of state {t + 1}) moved by {difference} when step {k} changed");
            else if (t == k) Assert.True(difference > 1e-4, $"prediction {t} ignored the change at step {k}");
        }
    }

    [Fact]
    public void Cached_rollout_equals_teacher_forced_recomputation_over_32_steps()
    {
        using var dynamics = Build();
        using var noGrad = no_grad();
        const int length = 32, batch = 2;
        using var states = randn(batch, length, N, D);
        var actions = ActionRows(batch, length);
        using var full = dynamics.PredictSequence(states, actions);

        using var history = dynamics.NewHistory(batch, new HistoryWindow(length, length - 1));
        double worst = 0;
        for (int t = 0; t < length; t++)
        {
            using var scope = NewDisposeScope();
            var next = dynamics.PredictNext(history, states[.., t], actions.Select(r => r[t]).ToArray());
            worst = Math.Max(worst, (next - full[.., t]).abs().max().item<float>());
        }
        Assert.Equal(length, history.Turns);
        Assert.True(worst < 1e-5, $"cached and teacher-forced predictions differ by {worst}");
    }

    [Fact]
    public void Branched_histories_equal_imagining_each_future_alone()
    {
        using var dynamics = Build();
        using var noGrad = no_grad();
        using var past = randn(1, 3, N, D);
        var pastActions = ActionRows(1, 3)[0];
        using var shared = dynamics.NewHistory(1);
        for (int t = 0; t < 3; t++) dynamics.PredictNext(shared, past[.., t], [pastActions[t]]).Dispose();

        using var branched = shared.Repeat(Actions.Length);
        using var now = randn(1, N, D);
        using var together = dynamics.PredictNext(branched, now.expand(Actions.Length, -1, -1), Actions);
        for (int i = 0; i < Actions.Length; i++)
        {
            using var alone = shared.Clone();
            using var single = dynamics.PredictNext(alone, now, [Actions[i]]);
            Assert.True((single[0] - together[i]).abs().max().item<float>() < 1e-5, $"branch {i} differs");
        }
    }

    [Fact]
    public void A_frozen_backbone_stays_bit_identical_while_projections_and_slots_learn()
    {
        using var dynamics = Build(BackboneTraining.Frozen);
        var backboneBefore = dynamics.Backbone.parameters().Select(p => p.detach().clone()).ToArray();
        var trainable = dynamics.TrainableParameters().ToArray();
        Assert.Equal(5, trainable.Length);
        var trainableBefore = trainable.Select(p => p.detach().clone()).ToArray();
        using var optimizer = optim.AdamW(trainable, lr: 1e-2);
        using var states = randn(2, 2, N, D);
        using var targets = randn(2, 2, N, D);
        for (int step = 0; step < 3; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            nn.functional.mse_loss(dynamics.PredictSequence(states, ActionRows(2, 2)), targets).backward();
            optimizer.step();
        }
        Assert.All(dynamics.Backbone.parameters().Zip(backboneBefore), p => Assert.True(p.First.equal(p.Second).all().item<bool>()));
        Assert.All(trainable.Zip(trainableBefore), p => Assert.False(p.First.equal(p.Second).all().item<bool>()));
    }

    [Fact]
    public void Bad_input_is_refused_with_clear_messages()
    {
        using var dynamics = Build();
        using var states = randn(1, 2, N, D);
        var tooLong = Assert.Throws<ArgumentException>(() => dynamics.PredictSequence(states, [["wait", new string('x', 40)]]));
        Assert.Contains("at most 32", tooLong.Message);
        using var wrong = randn(1, 2, N + 1, D);
        Assert.Contains($"[B, L, {N}, {D}]", Assert.Throws<ArgumentException>(() => dynamics.PredictSequence(wrong, ActionRows(1, 2))).Message);
        Assert.Contains("one action per state", Assert.Throws<ArgumentException>(() => dynamics.PredictSequence(states, ActionRows(1, 3))).Message);
        using var history = dynamics.NewHistory(2);
        using var one = randn(1, N, D);
        Assert.Contains("holds 2 trajectories", Assert.Throws<ArgumentException>(() => dynamics.PredictNext(history, one, ["wait"])).Message);
    }
}
