using static TorchSharp.torch;

namespace PanGym.Data;

/// <summary>
/// Converts frames between storage form (uint8, channels last, 0–255, as in data sets and <see cref="Gym.Image"/>)
/// and the world model's input form (float32, channels first, [−1, 1], as the encoder and the flow-matching decoder
/// take them: x = byte / 127.5 − 1).
/// </summary>
public static class ModelPixels
{
    /// <summary>uint8 [..., H, W, 3] → float32 [..., 3, H, W] in [−1, 1] (0 → −1, 255 → 1).</summary>
    /// <exception cref="ArgumentException">Not uint8 with 3 channels last.</exception>
    public static Tensor FromBytes(Tensor frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        if (frames.dtype != ScalarType.Byte || frames.dim() < 3 || frames.shape[^1] != 3)
            throw new ArgumentException($"Frames must be uint8 [..., H, W, 3]; got {frames.dtype} {TensorShape.Format(frames.shape)}.", nameof(frames));
        using var scope = NewDisposeScope();
        long n = frames.dim();
        long[] order = [.. Enumerable.Range(0, (int)n - 3).Select(d => (long)d), n - 1, n - 3, n - 2];
        return frames.to_type(ScalarType.Float32).div_(127.5f).sub_(1f).permute(order).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>float [..., 3, H, W] in [−1, 1] → uint8 [..., H, W, 3] (clamped, rounded to the nearest byte): the inverse of <see cref="FromBytes"/>.</summary>
    /// <exception cref="ArgumentException">Not floating point with 3 channels before H and W.</exception>
    public static Tensor ToBytes(Tensor pixels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        if (!pixels.is_floating_point() || pixels.dim() < 3 || pixels.shape[^3] != 3)
            throw new ArgumentException($"Pixels must be floating point [..., 3, H, W]; got {pixels.dtype} {TensorShape.Format(pixels.shape)}.", nameof(pixels));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        long n = pixels.dim();
        long[] order = [.. Enumerable.Range(0, (int)n - 3).Select(d => (long)d), n - 2, n - 1, n - 3];
        var bytes = pixels.detach().to_type(ScalarType.Float32).add(1f).mul_(127.5f).round_().clamp_(0f, 255f).to_type(ScalarType.Byte);
        return bytes.permute(order).contiguous().MoveToOuterDisposeScope();
    }
}
