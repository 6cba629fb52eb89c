using PanGym.WorldModel;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace PanGym.Tests.WorldModel;

public class FlowMatchingDecoderTests(ITestOutputHelper output)
{
    private static readonly FlowMatchingDecoderConfig Tiny = FlowMatchingDecoderConfig.Tiny;

    [Fact]
    public void A_fresh_decoder_predicts_no_change_and_its_velocity_points_there()
    {
        using var decoder = new FlowMatchingDecoder(Tiny);
        using var generator = new Generator(1);
        using var scope = NewDisposeScope();
        var (chunks, tau, latents) = (RandomDecoder.Frames(Tiny, generator, 2, 3), rand(2, 3) * 0.9, RandomDecoder.Latents(Tiny, generator, 2, 3));
        var clean = decoder.Clean(chunks, tau, latents);
        var velocity = decoder.Velocity(chunks, tau, latents);
        Assert.Equal([2L, 3L, 3L, 16L, 16L], velocity.shape);
        Assert.Equal(0f, clean.abs().max().item<float>());
        var expected = (clean - chunks) / (1 - tau).reshape(2, 3, 1, 1, 1);
        Assert.True(velocity.allclose(expected, rtol: 1e-5, atol: 1e-5), "v = (x̂1 − x_τ) / (1 − τ)");
    }

    [Fact]
    public void Velocity_is_the_direction_from_the_noisy_chunk_to_the_predicted_clean_one()
    {
        using var decoder = RandomDecoder.Create(Tiny, seed: 5);
        using var generator = new Generator(6);
        using var scope = NewDisposeScope();
        var (chunks, tau, latents) = (RandomDecoder.Frames(Tiny, generator, 2, 2), rand(2, 2) * 0.9, RandomDecoder.Latents(Tiny, generator, 2, 2));
        var clean = decoder.Clean(chunks, tau, latents);
        // One Euler step of the remaining length 1 − τ lands on the predicted clean chunk.
        var landed = chunks + decoder.Velocity(chunks, tau, latents) * (1 - tau).reshape(2, 2, 1, 1, 1);
        Assert.True(landed.allclose(clean, rtol: 1e-4, atol: 1e-4));
        Assert.True(clean.abs().max().item<float>() > 0.01f);
    }

    [Fact]
    public void Loss_is_a_finite_scalar_and_reproducible_under_a_seed()
    {
        using var decoder = RandomDecoder.Create(Tiny, seed: 1);
        using var data = new Generator(2);
        using var scope = NewDisposeScope();
        var targets = RandomDecoder.Frames(Tiny, data, 2, 3);
        var latents = RandomDecoder.Latents(Tiny, data, 2, 3);
        var context = RandomDecoder.Frames(Tiny, data, 2);

        float LossWithSeed(ulong seed)
        {
            using var generator = new Generator(seed);
            return decoder.Loss(targets, latents, context, generator).item<float>();
        }

        var loss = decoder.Loss(targets, latents, context, new Generator(7));
        Assert.Empty(loss.shape);
        Assert.True(float.IsFinite(loss.item<float>()) && loss.item<float>() > 0);
        Assert.Equal(LossWithSeed(7), LossWithSeed(7));
        Assert.NotEqual(LossWithSeed(7), LossWithSeed(8));
    }

    [Fact]
    public void Loss_backpropagates_into_every_parameter()
    {
        using var decoder = RandomDecoder.Create(Tiny, seed: 3);
        decoder.train();
        using var generator = new Generator(4);
        using var scope = NewDisposeScope();
        decoder.Loss(RandomDecoder.Frames(Tiny, generator, 2, 2), RandomDecoder.Latents(Tiny, generator, 2, 2),
            RandomDecoder.Frames(Tiny, generator, 2), generator).backward();
        foreach (var (name, parameter) in decoder.named_parameters())
            Assert.True(parameter.grad is { } grad && grad.abs().sum().item<float>() > 0, $"no gradient reaches {name}");
    }

    [Fact]
    public void Perturbing_chunk_k_changes_no_output_of_an_earlier_chunk()
    {
        const int chunks = 4, perturbed = 2;
        using var decoder = RandomDecoder.Create(Tiny, seed: 5);
        using var generator = new Generator(6);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var frames = RandomDecoder.Frames(Tiny, generator, 2, chunks);
        var tau = rand([2, chunks], generator: generator);
        var latents = RandomDecoder.Latents(Tiny, generator, 2, chunks);
        var baseline = decoder.Velocity(frames, tau, latents);

        var changedFrames = frames.clone();
        changedFrames[.., perturbed] = RandomDecoder.Frames(Tiny, generator, 2);
        var changedTau = tau.clone();
        changedTau[.., perturbed] = rand([2], generator: generator);
        var changedLatents = latents.clone();
        changedLatents[.., perturbed] = RandomDecoder.Latents(Tiny, generator, 2);
        var changed = decoder.Velocity(changedFrames, changedTau, changedLatents);

        var difference = (changed - baseline).abs().amax([0, 2, 3, 4]);
        for (int chunk = 0; chunk < chunks; chunk++)
        {
            var delta = difference[chunk].item<float>();
            output.WriteLine($"chunk {chunk}: max |Δv| = {delta:E2}");
            if (chunk < perturbed) Assert.True(delta <= 1e-6f, $"chunk {chunk} changed by {delta} when chunk {perturbed} was perturbed");
            else Assert.True(delta > 1e-3f, $"chunk {chunk} did not react to chunk {perturbed} (Δ = {delta})");
        }
    }

    [Fact]
    public void Chunk_causal_mask_is_block_lower_triangular()
    {
        using var mask = ChunkCausalMask.Build(chunkCount: 3, tokensPerChunk: 2);
        bool[,] expected =
        {
            { true, true, false, false, false, false },
            { true, true, false, false, false, false },
            { true, true, true, true, false, false },
            { true, true, true, true, false, false },
            { true, true, true, true, true, true },
            { true, true, true, true, true, true },
        };
        Assert.Equal([6L, 6L], mask.shape);
        Assert.Equal(ScalarType.Bool, mask.dtype);
        for (int query = 0; query < 6; query++)
            for (int key = 0; key < 6; key++)
                Assert.Equal(expected[query, key], mask[query, key].item<bool>());
        Assert.Contains("chunkCount", Assert.Throws<ArgumentException>(() => ChunkCausalMask.Build(0, 2)).Message);
    }

    [Fact]
    public void Bad_inputs_are_refused_with_the_tensor_and_the_expected_shape()
    {
        using var decoder = new FlowMatchingDecoder(Tiny);
        using var scope = NewDisposeScope();
        var frames = zeros([1, 2, 3, 16, 16]);
        var tau = zeros(1, 2);
        var latents = zeros(1, 2, 8, 32);

        var wrongSize = Assert.Throws<ArgumentException>(() => decoder.Velocity(zeros([1, 2, 3, 32, 32]), tau, latents));
        Assert.Contains("noisyChunks must be [B, C, 3, 16, 16]; got [1, 2, 3, 32, 32]", wrongSize.Message);
        var wrongTau = Assert.Throws<ArgumentException>(() => decoder.Velocity(frames, zeros(1, 3), latents));
        Assert.Contains("tau must be [B, C] = [1, 2]; got [1, 3]", wrongTau.Message);
        var wrongLatent = Assert.Throws<ArgumentException>(() => decoder.Velocity(frames, tau, zeros(1, 2, 8, 16)));
        Assert.Contains("latents must be [B, C, N, D] = [1, 2, 8, 32]; got [1, 2, 8, 16]", wrongLatent.Message);
        var tooLong = Assert.Throws<ArgumentException>(() => decoder.Velocity(zeros([1, 6, 3, 16, 16]), zeros(1, 6), zeros(1, 6, 8, 32)));
        Assert.Contains("MaxChunks = 5", tooLong.Message);
        var longTargets = Assert.Throws<ArgumentException>(() => decoder.Loss(zeros([1, 5, 3, 16, 16]), zeros(1, 5, 8, 32), zeros(1, 3, 16, 16)));
        Assert.Contains("exceeds MaxChunks (5)", longTargets.Message);
        var wrongContext = Assert.Throws<ArgumentException>(() => decoder.Loss(frames, latents, zeros(2, 3, 16, 16)));
        Assert.Contains("contextFrame has batch 2", wrongContext.Message);
    }

    [Fact]
    public void Config_is_validated_once_and_presets_are_consistent()
    {
        Assert.Contains("multiple of patchSize",
            Assert.Throws<ArgumentException>(() => new FlowMatchingDecoderConfig(15, 4, 64, 2, 4, 8, 32, 5, 0.1)).Message);
        Assert.Contains("multiple of heads",
            Assert.Throws<ArgumentException>(() => new FlowMatchingDecoderConfig(16, 4, 64, 2, 3, 8, 32, 5, 0.1)).Message);
        Assert.Contains("maxChunks (1)",
            Assert.Throws<ArgumentException>(() => new FlowMatchingDecoderConfig(16, 4, 64, 2, 4, 8, 32, 1, 0.1)).Message);
        Assert.Contains("conditionNoise (1.5)",
            Assert.Throws<ArgumentException>(() => new FlowMatchingDecoderConfig(16, 4, 64, 2, 4, 8, 32, 5, 1.5)).Message);
        Assert.Contains("3×4 grid of regions",
            Assert.Throws<ArgumentException>(() => new FlowMatchingDecoderConfig(16, 4, 64, 2, 4, 12, 32, 5, 0.1)).Message);

        foreach (var preset in new[] { FlowMatchingDecoderConfig.Tiny, FlowMatchingDecoderConfig.Small, FlowMatchingDecoderConfig.Pan })
            Assert.Equal(preset.ImageSize * preset.ImageSize, preset.TokensPerChunk * preset.PatchSize * preset.PatchSize);
        var matched = Tiny.WithLatent(4, 48);
        Assert.Equal((4, 48), (matched.LatentTokens, matched.LatentWidth));
        Assert.Equal(Tiny.Width, matched.Width);
    }

    [Fact]
    public void Parameter_counts_of_the_trainable_presets()
    {
        foreach (var (name, config) in new[] { ("tiny", FlowMatchingDecoderConfig.Tiny), ("small", FlowMatchingDecoderConfig.Small) })
        {
            using var decoder = new FlowMatchingDecoder(config);
            var count = decoder.parameters().Sum(p => p.numel());
            output.WriteLine($"{name}: {count:N0} parameters");
            Assert.InRange(count, 10_000, 5_000_000);
        }
    }
}
