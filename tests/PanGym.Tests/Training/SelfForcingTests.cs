using PanGym.Data;
using PanGym.Training;
using static TorchSharp.torch;

namespace PanGym.Tests.Training;

public sealed class SelfForcingTests(TrainingFixture fixture) : IClassFixture<TrainingFixture>
{
    [Fact]
    public void The_share_of_self_forced_steps_follows_the_fraction_and_is_fixed_by_seed_and_step()
    {
        var config = TrainingFixture.FastConfig(1, selfForcingFraction: 0.3);
        var chosen = Enumerable.Range(0, 10_000).Count(step => SelfForcing.AppliesTo(config, step));
        Assert.InRange(chosen, 2_800, 3_200);
        Assert.Equal(Enumerable.Range(0, 100).Select(s => SelfForcing.AppliesTo(config, s)), Enumerable.Range(0, 100).Select(s => SelfForcing.AppliesTo(config, s)));
        Assert.DoesNotContain(Enumerable.Range(0, 100), step => SelfForcing.AppliesTo(TrainingFixture.FastConfig(1), step));
    }

    [Fact]
    public void The_dynamics_reads_its_own_rollout_and_a_history_of_the_wrong_shape_is_refused()
    {
        using var model = fixture.LoadModel();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var sampler = new EpisodeWindowSampler(fixture.Dataset, new EpisodeWindowSamplerConfig(2, 3));
        using var batch = sampler.NextBatch();
        var frames = batch.ToModelPixels();
        using var teacherNoise = new Generator(5);
        using var selfNoise = new Generator(5);
        var teacher = model.Loss(frames, batch.Actions, teacherNoise);
        var own = SelfForcing.Loss(model, frames, batch.Actions, selfNoise);
        Assert.NotEqual(teacher.Latent.item<float>(), own.Latent.item<float>());
        Assert.True(float.IsFinite(own.Total.item<float>()));

        var wrong = zeros(2, 2, model.Config.Dynamics.LatentTokens, model.Config.Dynamics.LatentWidth);
        var error = Assert.Throws<ArgumentException>(() => model.Loss(frames, batch.Actions, history: wrong));
        Assert.Contains("[B, L, N, D] = [2, 3,", error.Message);
    }
}
