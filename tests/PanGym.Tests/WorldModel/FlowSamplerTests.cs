using PanGym.WorldModel;
using TorchSharp;
using static TorchSharp.torch;

namespace PanGym.Tests.WorldModel;

public class FlowSamplerTests
{
    private static readonly FlowMatchingDecoderConfig Tiny = FlowMatchingDecoderConfig.Tiny;

    private static Tensor SampleWithSeed(FlowSampler sampler, Tensor context, Tensor latent, ulong seed)
    {
        using var generator = new Generator(seed);
        return sampler.Sample(context, latent, generator);
    }

    [Theory]
    [InlineData(FlowSolver.Euler)]
    [InlineData(FlowSolver.Heun)]
    public void Sample_is_a_frame_in_range_and_deterministic_under_a_seed(FlowSolver solver)
    {
        using var decoder = RandomDecoder.Create(Tiny, seed: 1);
        using var data = new Generator(2);
        using var scope = NewDisposeScope();
        var context = RandomDecoder.Frames(Tiny, data, 3);
        var latent = RandomDecoder.Latents(Tiny, data, 3);
        var sampler = new FlowSampler(decoder, new FlowSamplingOptions(steps: 4, solver: solver));

        var frame = SampleWithSeed(sampler, context, latent, 7);
        Assert.Equal([3L, 3L, 16L, 16L], frame.shape);
        Assert.InRange(frame.min().item<float>(), -1f, 1f);
        Assert.InRange(frame.max().item<float>(), -1f, 1f);
        Assert.False(frame.requires_grad);
        Assert.True(frame.eq(SampleWithSeed(sampler, context, latent, 7)).all().item<bool>());
        Assert.False(frame.eq(SampleWithSeed(sampler, context, latent, 8)).all().item<bool>());
    }

    [Fact]
    public void Euler_and_Heun_give_different_frames()
    {
        using var decoder = RandomDecoder.Create(Tiny, seed: 3);
        using var data = new Generator(4);
        using var scope = NewDisposeScope();
        var context = RandomDecoder.Frames(Tiny, data, 1);
        var latent = RandomDecoder.Latents(Tiny, data, 1);
        var euler = SampleWithSeed(new FlowSampler(decoder, new FlowSamplingOptions(steps: 4)), context, latent, 5);
        var heun = SampleWithSeed(new FlowSampler(decoder, new FlowSamplingOptions(steps: 4, solver: FlowSolver.Heun)), context, latent, 5);
        Assert.True((euler - heun).abs().max().item<float>() > 1e-4f);
    }

    [Fact]
    public void A_fresh_decoder_predicts_no_change_so_its_sample_is_the_context_frame()
    {
        using var decoder = new FlowMatchingDecoder(Tiny);
        using var scope = NewDisposeScope();
        using var data = new Generator(10);
        var context = RandomDecoder.Frames(Tiny, data, 1);
        var frame = SampleWithSeed(new FlowSampler(decoder, new FlowSamplingOptions(steps: 3)), context, RandomDecoder.Latents(Tiny, data, 1), 11);
        // x̂1 = 0 everywhere: the last Euler step lands exactly on it whatever the noise, and the change added to the context is zero.
        Assert.True(frame.allclose(context, rtol: 0, atol: 1e-5));
    }

    [Fact]
    public void Many_samples_leave_no_live_tensors_behind()
    {
        using var decoder = RandomDecoder.Create(Tiny, seed: 6);
        using var generator = new Generator(7);
        using var context = RandomDecoder.Frames(Tiny, generator, 2);
        using var latent = RandomDecoder.Latents(Tiny, generator, 2);
        var sampler = new FlowSampler(decoder, new FlowSamplingOptions(steps: 4, solver: FlowSolver.Heun));
        sampler.Sample(context, latent, generator).Dispose();

        var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 0; i < 50; i++) sampler.Sample(context, latent, generator).Dispose();
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void Bad_inputs_are_refused_with_the_tensor_and_the_expected_shape()
    {
        using var decoder = new FlowMatchingDecoder(Tiny);
        using var scope = NewDisposeScope();
        var sampler = new FlowSampler(decoder);
        var wrongLatent = Assert.Throws<ArgumentException>(() => sampler.Sample(zeros([2, 3, 16, 16]), zeros([1, 8, 32])));
        Assert.Contains("latent must be [B, N, D] = [2, 8, 32]; got [1, 8, 32]", wrongLatent.Message);
        var wrongFrame = Assert.Throws<ArgumentException>(() => sampler.Sample(zeros([2, 1, 16, 16]), zeros([2, 8, 32])));
        Assert.Contains("contextFrame must be [B, 3, 16, 16]; got [2, 1, 16, 16]", wrongFrame.Message);
        Assert.Contains("steps must be positive", Assert.Throws<ArgumentException>(() => new FlowSamplingOptions(steps: 0)).Message);
        Assert.Contains("multiple of windowSize",
            Assert.Throws<ArgumentException>(() => new FlowSamplingOptions(steps: 10, decoding: VideoDecoding.SwinDpm, windowSize: 4)).Message);
    }
}
