using PanGym.Gym;
using PanGym.Gym.Wrappers;
using PanGym.Imagination;

namespace PanGym.Tests.Imagination;

[Collection(FFmpegCollection.Name)]
public sealed class PanEnvVideoTests : IDisposable
{
    readonly string _folder = Directory.CreateTempSubdirectory("pangym-panenv-video-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Works_under_time_limit_and_video_recording()
    {
        using var model = TinyWorld.Model();
        using var env = new RecordVideo<Image, string>(
            new TimeLimit<Image, string>(new PanEnv(model, TinyWorld.Options()), maxEpisodeSteps: 4), _folder, format: "gif", scale: 2);
        env.Reset(seed: 1);
        StepResult<Image> result;
        do result = env.Step("move the red circle right");
        while (!result.Truncated && !result.Terminated);
        env.Close();
        var video = Assert.Single(env.WrittenFiles);
        Assert.True(new FileInfo(video).Length > 0);
    }
}
