using Microsoft.Extensions.DependencyInjection;
using PanGym.DependencyInjection;
using PanGym.Envs;
using PanGym.Evaluation;
using PanGym.Experiments;
using PanGym.Gym;
using PanGym.Media;
using PanGym.WorldModel;

namespace PanGym.Tests.Experiments;

public sealed class RolloutRunTests : IDisposable
{
    static readonly string[] Actions = ["move the red circle left", "wait"];
    readonly string _folder = Directory.CreateTempSubdirectory("pangym-rollout-run-").FullName;
    readonly ServiceProvider _services = new ServiceCollection().AddPanGym(pan => pan.AddGroundTruthEnvironments()).BuildServiceProvider();

    public RolloutRunTests()
    {
        using var model = PanWorldModel.Create(WorldModelConfig.Tiny, seed: 3);
        WorldModelCheckpoint.Save(model, Checkpoint);
    }

    public void Dispose()
    {
        _services.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    string Checkpoint => Path.Combine(_folder, "model");

    Func<int, IGroundTruthSimulator> Shapes =>
        size => GroundTruthSimulators.For(_services.GetRequiredService<EnvRegistry>().Make("ShapesWorld-v0", new Dictionary<string, object?> { ["size"] = size }));

    static FlowSamplingOptions Fast => new(steps: 1, temperature: 0);

    [Fact]
    public void An_environment_start_imagines_one_frame_per_action_beside_the_truth()
    {
        var result = RolloutRun.Run(new RolloutRunOptions(Checkpoint, Actions, seed: 5, Fast, besideTruth: true), Shapes);

        Assert.Equal(Actions.Length, result.Imagined.Count);
        Assert.NotNull(result.Truth);
        Assert.Equal(Actions.Length + 1, result.Truth.Frames.Count);
        Assert.Equal(result.Truth.Frames[0].Data, result.Start.Data);
        Assert.Equal(Actions.Length + 1, result.Frames.Count);
        Assert.True(result.Frames[0].Width > 2 * result.Start.Width - 1, "truth and imagination stand side by side");
    }

    [Fact]
    public void A_png_of_the_start_frame_imagines_what_the_environment_start_imagines()
    {
        var fromEnv = RolloutRun.Run(new RolloutRunOptions(Checkpoint, Actions, seed: 5, Fast), Shapes);
        string png = Path.Combine(_folder, "start.png");
        File.WriteAllBytes(png, PngEncoder.Encode(fromEnv.Start));

        var fromPng = RolloutRun.Run(new RolloutRunOptions(Checkpoint, Actions, seed: 5, Fast, startFrame: png));

        Assert.Null(fromPng.Truth);
        Assert.Equal([fromEnv.Start, .. fromEnv.Imagined], fromEnv.Frames);
        Assert.Equal(fromEnv.Frames.Select(f => f.Data), fromPng.Frames.Select(f => f.Data));
    }

    [Fact]
    public void A_rollout_needs_one_start_and_some_actions()
    {
        var options = new RolloutRunOptions(Checkpoint, Actions);
        Assert.Contains("Give a start", Assert.Throws<ArgumentException>(() => RolloutRun.Run(options)).Message);
        var withPng = new RolloutRunOptions(Checkpoint, Actions, startFrame: Path.Combine(_folder, "start.png"));
        Assert.Contains("not both", Assert.Throws<ArgumentException>(() => RolloutRun.Run(withPng, Shapes)).Message);
        Assert.Throws<ArgumentException>(() => new RolloutRunOptions(Checkpoint, []));
        Assert.Throws<ArgumentException>(() => new RolloutRunOptions(Checkpoint, ["wait", " "]));
        Assert.Throws<ArgumentException>(() => new RolloutRunOptions(Checkpoint, Actions, startFrame: "start.png", besideTruth: true));
    }
}
