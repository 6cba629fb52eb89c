namespace PanGym.Gym;

/// <summary>Gymnasium's <c>metadata</c>: how the environment renders.</summary>
/// <param name="RenderFps">Frames per second that a recorded video of this environment plays at.</param>
public sealed record EnvMetadata(int RenderFps = 4)
{
    /// <summary>The render modes this library uses: frames are always RGB arrays.</summary>
    public IReadOnlyList<string> RenderModes { get; } = ["rgb_array"];
}
