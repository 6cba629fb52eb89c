using PanGym.WorldModel;
using TorchSharp;
using static TorchSharp.torch;

namespace PanGym.Tests.WorldModel;

public class SwinDpmSamplerTests
{
    private static readonly FlowMatchingDecoderConfig Tiny = FlowMatchingDecoderConfig.Tiny;

    private static FlowSamplingOptions Swin(int window, int steps) =>
        new(steps: steps, decoding: VideoDecoding.SwinDpm, windowSize: window);

    [Fact]
    public void A_full_window_starts_each_tick_at_staggered_levels()
    {
        Assert.Equal([0.75, 0.5, 0.25, 0.0], SwinDpmSampler.WindowNoiseLevels(4));
        Assert.Equal([0.0], SwinDpmSampler.WindowNoiseLevels(1));
    }

    [Fact]
    public void Schedule_enters_each_frame_at_noise_and_emits_it_clean_after_W_ticks()
    {
        const int window = 4, frames = 7;
        var schedule = SwinDpmSampler.Schedule(window, frames);
        Assert.Equal(frames + window - 1, schedule.Count);
        for (int tick = 0; tick < schedule.Count; tick++)
        {
            var entry = schedule[tick];
            Assert.Equal(tick, entry.Index);
            if (tick < frames) Assert.Equal(tick, entry.Chunks[^1]);
            if (tick >= window - 1 && tick < frames) Assert.Equal(SwinDpmSampler.WindowNoiseLevels(window), entry.NoiseLevels);
            Assert.Equal(tick >= window - 1 ? tick - window + 1 : null, entry.EmittedChunk);
        }
        for (int frame = 0; frame < frames; frame++)
        {
            var levels = schedule.Where(t => t.Chunks.Contains(frame)).Select(t => t.NoiseLevels[t.Chunks.ToList().IndexOf(frame)]);
            Assert.Equal([0.0, 0.25, 0.5, 0.75], levels);
        }
        Assert.Equal(Enumerable.Range(0, frames), schedule.Where(t => t.EmittedChunk is not null).Select(t => t.EmittedChunk!.Value));
    }

    [Fact]
    public void Streaming_follows_the_schedule_and_yields_one_frame_per_latent()
    {
        const int window = 4, latents = 7;
        using var decoder = RandomDecoder.Create(Tiny, seed: 1);
        using var generator = new Generator(2);
        using var sampler = new SwinDpmSampler(decoder, Swin(window, steps: 8));
        using var scope = NewDisposeScope();
        sampler.Reset(RandomDecoder.Frames(Tiny, generator, 2), generator);
        var schedule = SwinDpmSampler.Schedule(window, latents);
        var emitted = new List<Tensor>();
        for (int step = 0; step < latents; step++)
        {
            Assert.Equal(schedule[step].NoiseLevels, sampler.NoiseLevels.Append(0.0));
            var frame = sampler.Push(RandomDecoder.Latents(Tiny, generator, 2));
            Assert.Equal(step >= window - 1, frame is not null);
            if (frame is not null) emitted.Add(frame);
        }
        Assert.Equal(window - 1, sampler.Pending);
        Assert.Equal([0.75, 0.5, 0.25], sampler.NoiseLevels);
        emitted.AddRange(sampler.Flush());
        Assert.Equal(latents, emitted.Count);
        Assert.Equal(0, sampler.Pending);
        Assert.All(emitted, frame => Assert.Equal([2L, 3L, 16L, 16L], frame.shape));
    }

    [Fact]
    public void Fewer_latents_than_the_window_still_yield_one_frame_each()
    {
        using var decoder = RandomDecoder.Create(Tiny, seed: 3);
        using var generator = new Generator(4);
        using var sampler = new SwinDpmSampler(decoder, Swin(window: 4, steps: 4));
        using var scope = NewDisposeScope();
        sampler.Reset(RandomDecoder.Frames(Tiny, generator, 1), generator);
        Assert.Null(sampler.Push(RandomDecoder.Latents(Tiny, generator, 1)));
        Assert.Null(sampler.Push(RandomDecoder.Latents(Tiny, generator, 1)));
        Assert.Equal(2, sampler.Flush().Count);
        Assert.Empty(sampler.Flush());
    }

    [Theory]
    [InlineData(VideoDecoding.SwinDpm)]
    [InlineData(VideoDecoding.StepByStep)]
    public void A_32_step_rollout_returns_32_frames_deterministically(VideoDecoding decoding)
    {
        using var decoder = RandomDecoder.Create(Tiny, seed: 5);
        using var data = new Generator(6);
        using var scope = NewDisposeScope();
        var context = RandomDecoder.Frames(Tiny, data, 2);
        var latents = RandomDecoder.Latents(Tiny, data, 2, 32);
        using var sampler = VideoSampling.Create(decoder, new FlowSamplingOptions(steps: 8, decoding: decoding, windowSize: 4));

        Tensor Decode(ulong seed)
        {
            using var generator = new Generator(seed);
            return sampler.DecodeVideo(context, latents, generator);
        }

        var video = Decode(7);
        Assert.Equal([2L, 32L, 3L, 16L, 16L], video.shape);
        Assert.InRange(video.abs().max().item<float>(), 0f, 1f);
        Assert.True(video.eq(Decode(7)).all().item<bool>());
    }

    [Fact]
    public void A_window_of_one_is_step_by_step_decoding()
    {
        using var decoder = RandomDecoder.Create(Tiny, seed: 8);
        using var data = new Generator(9);
        using var scope = NewDisposeScope();
        var context = RandomDecoder.Frames(Tiny, data, 1);
        var latents = RandomDecoder.Latents(Tiny, data, 1, 5);

        Tensor Decode(VideoDecoding decoding)
        {
            using var sampler = VideoSampling.Create(decoder, new FlowSamplingOptions(steps: 4, decoding: decoding, windowSize: 1));
            using var generator = new Generator(10);
            return sampler.DecodeVideo(context, latents, generator);
        }

        Assert.True(Decode(VideoDecoding.SwinDpm).allclose(Decode(VideoDecoding.StepByStep), rtol: 0, atol: 1e-6));
    }

    [Fact]
    public void Changing_later_latents_leaves_earlier_frames_unchanged()
    {
        const int frames = 6, changedFrom = 3;
        using var decoder = RandomDecoder.Create(Tiny, seed: 11);
        using var data = new Generator(12);
        using var scope = NewDisposeScope();
        var context = RandomDecoder.Frames(Tiny, data, 1);
        var latents = RandomDecoder.Latents(Tiny, data, 1, frames);
        var changedLatents = latents.clone();
        changedLatents[.., changedFrom..] = RandomDecoder.Latents(Tiny, data, 1, frames - changedFrom);
        using var sampler = new SwinDpmSampler(decoder, Swin(window: 4, steps: 8));

        Tensor Decode(Tensor trajectory)
        {
            using var generator = new Generator(13);
            return sampler.DecodeVideo(context, trajectory, generator);
        }

        var original = Decode(latents);
        var changed = Decode(changedLatents);
        var difference = (original - changed).abs().amax([0, 2, 3, 4]);
        for (int frame = 0; frame < frames; frame++)
        {
            if (frame < changedFrom) Assert.True(difference[frame].item<float>() <= 1e-6f, $"frame {frame} changed");
            else Assert.True(difference[frame].item<float>() > 1e-3f, $"frame {frame} did not change");
        }
    }

    [Fact]
    public void Streaming_many_ticks_leaves_no_live_tensors_behind()
    {
        using var decoder = RandomDecoder.Create(Tiny, seed: 14);
        using var generator = new Generator(15);
        using var context = RandomDecoder.Frames(Tiny, generator, 1);
        using var latent = RandomDecoder.Latents(Tiny, generator, 1);
        using var sampler = new SwinDpmSampler(decoder, Swin(window: 4, steps: 4));
        sampler.Reset(context, generator);
        for (int i = 0; i < 4; i++) sampler.Push(latent)?.Dispose();

        var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 0; i < 100; i++) sampler.Push(latent)!.Dispose();
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void Misuse_is_refused_with_a_clear_message()
    {
        using var decoder = new FlowMatchingDecoder(Tiny);
        var tooWide = Assert.Throws<ArgumentException>(() => new SwinDpmSampler(decoder, Swin(window: 5, steps: 10)));
        Assert.Contains("windowSize (5) exceeds", tooWide.Message);
        using var sampler = new SwinDpmSampler(decoder, Swin(window: 2, steps: 4));
        using var latent = zeros([1, 8, 32]);
        Assert.Contains("Call Reset", Assert.Throws<InvalidOperationException>(() => sampler.Push(latent)).Message);
        using var context = zeros([1, 3, 16, 16]);
        sampler.Reset(context);
        using var wrongBatch = zeros([2, 8, 32]);
        Assert.Contains("latent must be [B, N, D] = [1, 8, 32]", Assert.Throws<ArgumentException>(() => sampler.Push(wrongBatch)).Message);
    }
}
