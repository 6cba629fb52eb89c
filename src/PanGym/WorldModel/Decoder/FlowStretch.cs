using static TorchSharp.torch;

namespace PanGym.WorldModel;

/// <summary>
/// The stretch of a training window that the decoder's flow loss decodes on one step: chunks
/// <see cref="Start"/> + 1 … <see cref="Start"/> + <see cref="Width"/>, with frame <see cref="Start"/> as the clean context.
/// </summary>
/// <param name="Start">Index of the context frame, 0 … L − 1.</param>
/// <param name="Width">Chunks decoded, 1 … min(max window, L − Start).</param>
internal readonly record struct FlowStretch(int Start, int Width)
{
    /// <summary>
    /// Draws a stretch of a window of <paramref name="steps"/> actions: the start uniform over the window, then the width
    /// uniform up to <paramref name="maxWindow"/> chunks within it. A choice with one option draws nothing, so a window of
    /// one action leaves <paramref name="generator"/> untouched.
    /// </summary>
    public static FlowStretch Draw(int steps, int maxWindow, Generator? generator, Device device)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxWindow, 1);
        int start = Uniform(steps, generator, device);
        return new FlowStretch(start, 1 + Uniform(Math.Min(maxWindow, steps - start), generator, device));
    }

    static int Uniform(int count, Generator? generator, Device device) =>
        count == 1 ? 0 : (int)randint(count, [1], device: device, generator: generator).item<long>();
}
