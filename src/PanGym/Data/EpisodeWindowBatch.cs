using static TorchSharp.torch;

namespace PanGym.Data;

/// <summary>
/// B windows of L + 1 consecutive frames and L actions, from <see cref="EpisodeWindowSampler.NextBatch"/>. Disposing
/// the batch frees <see cref="Frames"/> (which also belongs to the dispose scope that was current when it was made).
/// </summary>
public sealed class EpisodeWindowBatch : IDisposable
{
    internal EpisodeWindowBatch(Tensor frames, IReadOnlyList<EpisodeWindow> windows)
    {
        Frames = frames;
        Windows = windows;
    }

    /// <summary>The frames, uint8 [B, L+1, H, W, 3], as stored.</summary>
    public Tensor Frames { get; }

    /// <summary>Where each window comes from and its actions, in batch order.</summary>
    public IReadOnlyList<EpisodeWindow> Windows { get; }

    /// <summary>The actions, B lists of L texts: <c>Actions[b][k]</c> takes frame k to frame k + 1 of window b.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Actions => [.. Windows.Select(w => w.Actions)];

    /// <summary>The frames as the world model takes them: a new float32 tensor [B, L+1, 3, H, W] in [−1, 1] (<see cref="ModelPixels.FromBytes"/>).</summary>
    public Tensor ToModelPixels() => ModelPixels.FromBytes(Frames);

    /// <summary>Frees <see cref="Frames"/>.</summary>
    public void Dispose() => Frames.Dispose();
}
