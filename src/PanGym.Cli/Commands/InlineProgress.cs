namespace PanGym.Cli.Commands;

/// <summary>Reports on the calling thread at once (<see cref="Progress{T}"/> would post to a thread pool).</summary>
internal sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
