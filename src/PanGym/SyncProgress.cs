namespace PanGym;

/// <summary>
/// An <see cref="IProgress{T}"/> that calls its handler at once, on the reporting thread, in order. Use it for PanGym's
/// progress parameters (<c>Trainer.Run</c>, <c>EpisodeGenerator.Generate</c>, <c>DynamicsEvaluator.Evaluate</c>) where
/// <see cref="Progress{T}"/> would post each report to the thread pool (or a captured synchronization context), so that
/// reports arrive late, out of order, or after the call has returned.
/// </summary>
/// <typeparam name="T">The progress value.</typeparam>
/// <param name="handler">Called with every report, before <see cref="Report"/> returns; an exception it throws reaches the reporter.</param>
public sealed class SyncProgress<T>(Action<T> handler) : IProgress<T>
{
    readonly Action<T> _handler = handler ?? throw new ArgumentNullException(nameof(handler));

    /// <summary>Calls the handler with <paramref name="value"/>.</summary>
    public void Report(T value) => _handler(value);
}
