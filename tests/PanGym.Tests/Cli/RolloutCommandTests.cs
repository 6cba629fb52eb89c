using PanGym.Envs;
using PanGym.Tests.Media;
using PanGym.WorldModel;

namespace PanGym.Tests.Cli;

[Collection(FFmpegCollection.Name)]
public sealed class RolloutCommandTests : IDisposable
{
    readonly string _folder = Directory.CreateTempSubdirectory("pangym-rollout-cli-").FullName;

    public RolloutCommandTests()
    {
        using var model = PanGym.WorldModel.PanWorldModel.Create(WorldModelConfig.Tiny, seed: 3);
        WorldModelCheckpoint.Save(model, Checkpoint);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    string Checkpoint => Path.Combine(_folder, "model");

    static readonly string[] Fast = ["--steps", "2"];

    [Fact]
    public void Imagines_beside_the_truth_from_an_environment_seed()
    {
        string video = Path.Combine(_folder, "beside.gif");
        var (code, output, error) = CliRunner.Run(["rollout", "--checkpoint", Checkpoint, "--env", "ShapesWorld-v0", "--seed", "4",
            "--actions", "move the red circle up; wait ;move the blue square left", "--out", video, "--beside-truth", .. Fast]);
        Assert.True(code == 0, error);
        Assert.Contains("3 imagined frames, truth on the left", output);
        Assert.True(new FileInfo(video).Length > 0);
    }

    [Fact]
    public void Imagines_from_a_png_start_frame()
    {
        string png = Path.Combine(_folder, "start.png");
        using (var env = new ShapesWorld(ShapesWorldConfig.Small)) File.WriteAllBytes(png, TestPng.Encode(env.Reset(1).Observation, filterOfRow: y => y % 5));
        string video = Path.Combine(_folder, "imagined.mp4");
        var (code, output, error) = CliRunner.Run(["rollout", "--checkpoint", Checkpoint, "--start-frame", png, "--actions", "wait;wait", "--out", video, .. Fast]);
        Assert.True(code == 0, error);
        Assert.Contains("2 imagined frames", output);
        Assert.True(new FileInfo(video).Length > 0);
    }

    [Fact]
    public void Bad_input_is_a_clear_error_and_writes_no_video()
    {
        string video = Path.Combine(_folder, "never.gif");
        (int Code, string Error) Run(params string[] args)
        {
            var (code, _, error) = CliRunner.Run(["rollout", "--checkpoint", Checkpoint, .. args, .. Fast]);
            return (code, error);
        }

        var (code, error) = Run("--env", "ShapesWorld-v0", "--actions", "fly to the moon", "--out", video);
        Assert.Equal(2, code);
        Assert.Contains("move the red circle left", error);

        (code, error) = Run("--actions", "wait", "--out", video);
        Assert.Equal(2, code);
        Assert.Contains("--start-frame", error);

        string png = Path.Combine(_folder, "big.png");
        using (var env = new ShapesWorld()) File.WriteAllBytes(png, TestPng.Encode(env.Reset(1).Observation));
        (code, error) = Run("--start-frame", png, "--env", "ShapesWorld-v0", "--actions", "wait", "--out", video);
        Assert.Equal(2, code);
        Assert.Contains("not both", error);

        (code, error) = Run("--start-frame", png, "--actions", "wait", "--out", video, "--beside-truth");
        Assert.Equal(2, code);
        Assert.Contains("--beside-truth needs --env", error);

        (code, error) = Run("--start-frame", png, "--actions", "wait", "--out", video);
        Assert.Equal(2, code);
        Assert.Contains("64×64", error);
        Assert.Contains("32×32", error);

        (code, error) = Run("--env", "ShapesWorld-v0", "--actions", " ; ", "--out", video);
        Assert.Equal(2, code);
        Assert.Contains("no action", error);

        (code, error) = Run("--env", "ShapesWorld-v0", "--actions", "wait", "--out", Path.Combine(_folder, "video.avi"));
        Assert.Equal(2, code);
        Assert.Contains(".mp4", error);

        (code, _, error) = CliRunner.Run("rollout", "--checkpoint", Path.Combine(_folder, "nowhere"), "--env", "ShapesWorld-v0", "--actions", "wait", "--out", video);
        Assert.Equal(2, code);
        Assert.Contains("does not exist", error);
        Assert.False(File.Exists(video));
    }
}
