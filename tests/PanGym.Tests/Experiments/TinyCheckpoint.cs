using Microsoft.Extensions.DependencyInjection;
using PanGym.DependencyInjection;
using PanGym.Envs;
using PanGym.Evaluation;
using PanGym.Gym;
using PanGym.WorldModel;

namespace PanGym.Tests.Experiments;

/// <summary>A tiny world model saved as a checkpoint in a temporary folder, and the registered environments to measure it on, as the commands have them.</summary>
public sealed class TinyCheckpoint : IDisposable
{
    readonly ServiceProvider _services = new ServiceCollection().AddPanGym(pan => pan.AddGroundTruthEnvironments()).BuildServiceProvider();

    public TinyCheckpoint(string name)
    {
        Folder = Directory.CreateTempSubdirectory($"pangym-{name}-").FullName;
        using var model = PanWorldModel.Create(WorldModelConfig.Tiny, seed: 3);
        WorldModelCheckpoint.Save(model, Checkpoint);
    }

    /// <summary>The temporary folder, removed on dispose.</summary>
    public string Folder { get; }

    /// <summary>The checkpoint folder.</summary>
    public string Checkpoint => Path.Combine(Folder, "model");

    /// <summary>The simulators of a registered environment at a frame size.</summary>
    public Func<int, IGroundTruthSimulator> Simulators(string envId) => GroundTruthSimulators.At(_services.GetRequiredService<EnvRegistry>(), envId);

    public void Dispose()
    {
        _services.Dispose();
        Directory.Delete(Folder, recursive: true);
    }
}
