namespace PanGym.Data;

/// <summary>
/// Where an <see cref="EpisodeWindowSampler"/> stands: the next batch starts at window <see cref="Index"/> of epoch
/// <see cref="Epoch"/>'s order, which <see cref="Seed"/> and the epoch fix. Small and serialisable (System.Text.Json
/// round-trips it), so a training checkpoint can store it and a resumed run sees the same batches.
/// </summary>
/// <param name="Seed">The sampler's seed.</param>
/// <param name="Epoch">Passes over the windows completed so far.</param>
/// <param name="Index">Position of the next window in this epoch's order.</param>
public sealed record EpisodeWindowSamplerState(int Seed, long Epoch, long Index);
