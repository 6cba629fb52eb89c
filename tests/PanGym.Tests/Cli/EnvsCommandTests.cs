using PanGym.Tests.Gym;

namespace PanGym.Tests.Cli;

[Collection(FFmpegCollection.Name)]
public sealed class EnvsCommandTests : IDisposable
{
    readonly string _folder = Directory.CreateTempSubdirectory("pangym-cli-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void List_shows_every_environment_and_its_actions()
    {
        var (code, output, _) = CliRunner.Run("envs", "list");
        Assert.Equal(0, code);
        Assert.Contains("ShapesWorld-v0", output);
        Assert.Contains("MomentumWorld-v0", output);
        Assert.Contains("move the red circle left", output);
        Assert.Contains("push up", output);
    }

    [Theory]
    [InlineData("ShapesWorld-v0", "episode.gif", "move the red circle left; MOVE RED  left; wait", 64)]
    [InlineData("MomentumWorld", "episode.mp4", "push right; push right; wait; wait", 32)]
    public void Play_records_one_frame_per_action_plus_the_start(string env, string file, string actions, int size)
    {
        var path = Path.Combine(_folder, file);
        var (code, output, error) = CliRunner.Run("envs", "play", env, "--actions", actions, "--out", path, "--size", size.ToString(), "--scale", "2");
        Assert.True(code == 0, error);
        int steps = actions.Split(';').Length;
        Assert.Contains($"{steps + 1} frames", output);
        Assert.Equal((steps + 1, size * 2, size * 2), VideoTests.Probe(path));
    }

    [Fact]
    public void Unknown_action_is_an_error_that_lists_accepted_actions_and_writes_nothing()
    {
        var path = Path.Combine(_folder, "never.mp4");
        var (code, _, error) = CliRunner.Run("envs", "play", "ShapesWorld-v0", "--actions", "fly to the moon", "--out", path);
        Assert.Equal(2, code);
        Assert.Contains("Unknown action \"fly to the moon\"", error);
        Assert.Contains("move the blue square up", error);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void Unknown_environment_is_an_error_that_lists_registered_ones()
    {
        var (code, _, error) = CliRunner.Run("envs", "play", "CartPole-v1", "--actions", "wait", "--out", Path.Combine(_folder, "x.gif"));
        Assert.Equal(2, code);
        Assert.Contains("No environment named \"CartPole-v1\"", error);
        Assert.Contains("ShapesWorld-v0", error);
    }
}
