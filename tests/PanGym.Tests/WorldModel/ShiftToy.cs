using PanGym.WorldModel;
using TorchSharp;
using static TorchSharp.torch;

namespace PanGym.Tests.WorldModel;

/// <summary>
/// A toy next-frame task: the next frame is the context frame rolled by one pixel in one of four directions, and the
/// latent state is a fixed random code of the direction, so a decoder must use both the context frame and the latent.
/// Frames are three random rectangles on a dark background; <see cref="Transitions"/> holds every frame of a small pool
/// in every direction.
/// </summary>
internal sealed class ShiftToy : IDisposable
{
    private static readonly (int Dy, int Dx)[] Directions = [(-1, 0), (1, 0), (0, -1), (0, 1)];

    public ShiftToy(FlowMatchingDecoderConfig config, int contextFrames, int seed)
    {
        using var generator = new Generator((ulong)seed);
        using var scope = NewDisposeScope();
        var codes = randn([Directions.Length, config.LatentTokens, config.LatentWidth], generator: generator);
        var context = Frames(contextFrames, config.ImageSize, generator).repeat_interleave(Directions.Length, dim: 0);
        var directions = arange(Directions.Length).repeat(contextFrames);
        var shifted = stack(Directions.Select(d => context.roll([d.Dy, d.Dx], [2, 3])).ToArray(), dim: 1);
        var next = shifted[arange(context.shape[0]), directions];
        Context = context.DetachFromDisposeScope();
        Next = next.unsqueeze(1).DetachFromDisposeScope();
        Latents = codes.index_select(0, directions).unsqueeze(1).DetachFromDisposeScope();
    }

    /// <summary>Context frames [P·4, 3, H, W] in model pixels.</summary>
    public Tensor Context { get; }

    /// <summary>The true next frames [P·4, 1, 3, H, W].</summary>
    public Tensor Next { get; }

    /// <summary>The direction codes as latent states [P·4, 1, N, D].</summary>
    public Tensor Latents { get; }

    /// <summary>PSNR in dB between frames in model pixels, measured on the [0, 1] image scale.</summary>
    public static double Psnr(Tensor predicted, Tensor truth)
    {
        using var scope = NewDisposeScope();
        var mse = ((predicted - truth) / 2).square().mean().item<float>();
        return 10 * Math.Log10(1.0 / mse);
    }

    public void Dispose()
    {
        Context.Dispose();
        Next.Dispose();
        Latents.Dispose();
    }

    /// <summary>Three random rectangles of random colours on a dark background, in model pixels [−1, 1].</summary>
    private static Tensor Frames(int count, int size, Generator generator)
    {
        using var scope = NewDisposeScope();
        var rows = arange(size).view(1, size, 1);
        var columns = arange(size).view(1, 1, size);
        var frames = full([count, 3, size, size], -0.8f);
        for (int rectangle = 0; rectangle < 3; rectangle++)
        {
            var corner = randint(0, size - 2, [count, 2, 1, 1], generator: generator);
            var extent = randint(2, size / 2, [count, 2, 1, 1], generator: generator);
            var (top, left) = (corner[.., 0], corner[.., 1]);
            var (bottom, right) = (top + extent[.., 0], left + extent[.., 1]);
            var inside = (rows >= top) & (rows < bottom) & (columns >= left) & (columns < right);
            var colour = rand([count, 3, 1, 1], generator: generator) * 2 - 1;
            frames = where(inside.unsqueeze(1), colour, frames);
        }
        return frames.MoveToOuterDisposeScope();
    }
}
