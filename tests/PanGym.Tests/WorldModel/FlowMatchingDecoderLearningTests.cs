using PanGym.WorldModel;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace PanGym.Tests.WorldModel;

public class FlowMatchingDecoderLearningTests(ITestOutputHelper output)
{
    [Fact]
    public void Tiny_decoder_fits_a_latent_controlled_shift_and_beats_copying_the_context()
    {
        const int steps = 400;
        const double peakLearningRate = 8e-3;
        torch.manual_seed(1);
        var config = FlowMatchingDecoderConfig.Tiny;
        using var decoder = new FlowMatchingDecoder(config);
        using var toy = new ShiftToy(config, contextFrames: 4, seed: 2);
        using var generator = new Generator(3);
        using var optimizer = optim.AdamW(decoder.parameters(), lr: peakLearningRate, weight_decay: 0.0);

        var losses = new List<double>();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        for (int step = 0; step < steps; step++)
        {
            using var scope = NewDisposeScope();
            foreach (var group in optimizer.ParamGroups) group.LearningRate = peakLearningRate * (1 - (double)step / steps);
            var loss = decoder.Loss(toy.Next, toy.Latents, toy.Context, generator);
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            losses.Add(loss.item<float>());
        }
        var trainMs = watch.ElapsedMilliseconds;

        using var evalScope = NewDisposeScope();
        var sampler = new FlowSampler(decoder, new FlowSamplingOptions(steps: 8));
        var sampled = sampler.Sample(toy.Context, toy.Latents.squeeze(1), generator);
        double first = losses.Take(20).Average(), last = losses.TakeLast(20).Average();
        double model = ShiftToy.Psnr(sampled, toy.Next.squeeze(1)), copy = ShiftToy.Psnr(toy.Context, toy.Next.squeeze(1));
        output.WriteLine($"{steps} steps in {trainMs} ms; loss {first:F4} -> {last:F4}; PSNR sampled (8 Euler) {model:F2} dB, copy {copy:F2} dB");
        Assert.True(first / last >= 3, $"loss fell only from {first:F4} to {last:F4}");
        Assert.True(model > copy + 1, $"sampled PSNR {model:F2} dB does not beat copying the context ({copy:F2} dB) by 1 dB");
    }
}
