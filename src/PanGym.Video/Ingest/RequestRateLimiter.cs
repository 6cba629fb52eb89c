using System.Diagnostics;

namespace PanGym.Data.Video;

/// <summary>Spaces request starts at least 60 / <c>requestsPerMinute</c> seconds apart, across all threads (a reservation queue: each caller takes the next free slot).</summary>
internal sealed class RequestRateLimiter(double requestsPerMinute)
{
    readonly Lock _gate = new();
    readonly TimeSpan _interval = TimeSpan.FromMinutes(1 / requestsPerMinute);
    readonly Stopwatch _clock = Stopwatch.StartNew();
    TimeSpan _next = TimeSpan.Zero;

    /// <summary>Waits for this caller's slot.</summary>
    public Task WaitAsync(CancellationToken cancellationToken)
    {
        TimeSpan wait;
        lock (_gate)
        {
            var now = _clock.Elapsed;
            var slot = _next > now ? _next : now;
            _next = slot + _interval;
            wait = slot - now;
        }
        return wait > TimeSpan.Zero ? Task.Delay(wait, cancellationToken) : Task.CompletedTask;
    }
}
