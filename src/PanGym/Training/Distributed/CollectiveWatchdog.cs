using System.Diagnostics;

namespace PanGym.Training.Distributed;

/// <summary>
/// A timeout on blocking collectives: a background thread that calls <c>expire</c> (which ends the job) when one
/// collective has waited longer than the timeout, as it does when another rank hangs or its node is unreachable (a rank
/// that dies outright is cleaned up by the MPI launcher at once). MPI collectives have no timeout of their own.
/// </summary>
internal sealed class CollectiveWatchdog : IDisposable
{
    readonly TimeSpan _timeout;
    readonly Action<string> _expire;
    readonly object _gate = new();
    readonly Thread _thread;
    string? _operation;
    long _since;
    bool _stopped;

    /// <summary>Starts the watch; <paramref name="expire"/> receives the collective that waited too long.</summary>
    public CollectiveWatchdog(TimeSpan timeout, Action<string> expire)
    {
        (_timeout, _expire) = (timeout, expire);
        _thread = new Thread(Watch) { IsBackground = true, Name = "MPI collective watchdog" };
        _thread.Start();
    }

    /// <summary>The longest a collective may wait.</summary>
    public TimeSpan Timeout => _timeout;

    /// <summary>Marks <paramref name="operation"/> as waiting until the returned scope is disposed.</summary>
    public Scope Enter(string operation)
    {
        lock (_gate)
        {
            (_operation, _since) = (operation, Stopwatch.GetTimestamp());
            Monitor.PulseAll(_gate);
        }
        return new Scope(this);
    }

    /// <summary>Stops the watch.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _stopped = true;
            Monitor.PulseAll(_gate);
        }
        _thread.Join();
    }

    void Leave()
    {
        lock (_gate) _operation = null;
    }

    void Watch()
    {
        string? expired = null;
        lock (_gate)
        {
            while (!_stopped && expired is null)
            {
                if (_operation is null)
                {
                    Monitor.Wait(_gate);
                    continue;
                }
                var left = _timeout - Stopwatch.GetElapsedTime(_since);
                if (left <= TimeSpan.Zero) expired = _operation;
                else Monitor.Wait(_gate, left);
            }
        }
        if (expired is not null) _expire(expired);
    }

    /// <summary>The span of one collective.</summary>
    public readonly struct Scope(CollectiveWatchdog watchdog) : IDisposable
    {
        /// <summary>The collective has returned.</summary>
        public void Dispose() => watchdog.Leave();
    }
}
