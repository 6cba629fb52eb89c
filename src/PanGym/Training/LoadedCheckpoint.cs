using PanGym.WorldModel;

namespace PanGym.Training;

/// <summary>A checkpoint's model and state, read by every rank before the replica check.</summary>
internal sealed record LoadedCheckpoint(PanWorldModel Model, TrainingState State) : IDisposable
{
    /// <summary>Frees the model.</summary>
    public void Dispose() => Model.Dispose();
}
