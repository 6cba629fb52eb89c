namespace PanGym.WorldModel;

/// <summary>One tick of a Causal Swin-DPM schedule (see <see cref="SwinDpmSampler.Schedule"/>).</summary>
/// <param name="Index">The tick's number, from 0.</param>
/// <param name="Chunks">Indices of the frames in the window at the start of the tick, oldest first.</param>
/// <param name="NoiseLevels">Their flow times τ at the start of the tick, oldest first (the newest enters at 0).</param>
/// <param name="EmittedChunk">The frame that is clean at the end of the tick and leaves the window, if any.</param>
public sealed record SwinDpmTick(int Index, IReadOnlyList<int> Chunks, IReadOnlyList<double> NoiseLevels, int? EmittedChunk);
