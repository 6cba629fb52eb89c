using PanGym.WorldModel;
using TorchSharp;
using static TorchSharp.torch;

namespace PanGym.Tests.WorldModel;

/// <summary>Decoders whose every weight is random (a fresh decoder predicts zero velocity: adaLN-zero), and random inputs.</summary>
internal static class RandomDecoder
{
    public static FlowMatchingDecoder Create(FlowMatchingDecoderConfig config, int seed)
    {
        var decoder = new FlowMatchingDecoder(config);
        using var generator = new Generator((ulong)seed);
        using var noGrad = no_grad();
        foreach (var parameter in decoder.parameters())
            parameter.copy_(randn(parameter.shape, generator: generator) * 0.2);
        decoder.eval();
        return decoder;
    }

    /// <summary>Uniform frames in model pixels, [shape..., 3, H, W].</summary>
    public static Tensor Frames(FlowMatchingDecoderConfig config, Generator generator, params long[] leading) =>
        rand([.. leading, config.Channels, config.ImageSize, config.ImageSize], generator: generator) * 2 - 1;

    /// <summary>Gaussian latent states, [shape..., N, D].</summary>
    public static Tensor Latents(FlowMatchingDecoderConfig config, Generator generator, params long[] leading) =>
        randn([.. leading, config.LatentTokens, config.LatentWidth], generator: generator);
}
