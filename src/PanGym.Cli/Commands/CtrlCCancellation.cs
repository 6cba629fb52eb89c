namespace PanGym.Cli.Commands;

/// <summary>
/// Turns Ctrl+C into a cancellation request for as long as it lives, so that a long command (training, ingest) stops
/// at its next safe point and keeps what it finished instead of the process being killed.
/// </summary>
internal sealed class CtrlCCancellation : IDisposable
{
    private readonly CancellationTokenSource _source = new();

    public CtrlCCancellation() => Console.CancelKeyPress += Stop;

    /// <summary>Cancelled once Ctrl+C was pressed.</summary>
    public CancellationToken Token => _source.Token;

    /// <summary>Whether Ctrl+C was pressed.</summary>
    public bool IsCancellationRequested => _source.IsCancellationRequested;

    private void Stop(object? sender, ConsoleCancelEventArgs e)
    {
        e.Cancel = true;
        _source.Cancel();
    }

    public void Dispose()
    {
        Console.CancelKeyPress -= Stop;
        _source.Dispose();
    }
}
