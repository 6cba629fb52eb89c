using PanGym.Evaluation;
using PanGym.Experiments;
using PanGym.Media;
using PanGym.WorldModel;

namespace PanGym.Tests.Experiments;

public sealed class RolloutRunTests : IDisposable
{
    static readonly string[] Actions = ["move the red circle left", "wait"];
    readonly TinyCheckpoint _tiny = new("rollout-run");

    public void Dispose() => _tiny.Dispose();

    string Checkpoint => _tiny.Checkpoint;

    Func<int, IGroundTruthSimulator> Shapes => _tiny.Simulators("ShapesWorld-v0");

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
        string png = Path.Combine(_tiny.Folder, "start.png");
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
        var withPng = new RolloutRunOptions(Checkpoint, Actions, startFrame: Path.Combine(_tiny.Folder, "start.png"));
        Assert.Contains("not both", Assert.Throws<ArgumentException>(() => RolloutRun.Run(withPng, Shapes)).Message);
        Assert.Throws<ArgumentException>(() => new RolloutRunOptions(Checkpoint, []));
        Assert.Throws<ArgumentException>(() => new RolloutRunOptions(Checkpoint, ["wait", " "]));
        Assert.Throws<ArgumentException>(() => new RolloutRunOptions(Checkpoint, Actions, startFrame: "start.png", besideTruth: true));
    }
}
