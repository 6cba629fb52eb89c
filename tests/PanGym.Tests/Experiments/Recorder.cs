namespace PanGym.Tests.Experiments;

/// <summary>An <see cref="IProgress{T}"/> that reports on the calling thread, so a test sees every report before the call returns.</summary>
internal sealed class Recorder<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
