namespace PanGym.Tests;

public sealed class SyncProgressTests
{
    [Fact]
    public void Sync_progress_calls_its_handler_on_the_reporting_thread_before_Report_returns_and_in_order()
    {
        var seen = new List<(int Value, int Thread)>();
        IProgress<int> progress = new SyncProgress<int>(value => seen.Add((value, Environment.CurrentManagedThreadId)));
        int reporter = 0;
        var countAfterEachReport = new List<int>();
        var thread = new Thread(() =>
        {
            reporter = Environment.CurrentManagedThreadId;
            for (int i = 0; i < 100; i++)
            {
                progress.Report(i);
                countAfterEachReport.Add(seen.Count);
            }
        });
        thread.Start();
        thread.Join();

        Assert.Equal(Enumerable.Range(1, 100), countAfterEachReport);
        Assert.Equal(Enumerable.Range(0, 100), seen.Select(s => s.Value));
        Assert.All(seen, s => Assert.Equal(reporter, s.Thread));
    }

    [Fact]
    public void A_handlers_exception_reaches_the_reporter_and_a_missing_handler_is_refused()
    {
        var progress = new SyncProgress<string>(_ => throw new InvalidOperationException("stop here"));
        Assert.Equal("stop here", Assert.Throws<InvalidOperationException>(() => progress.Report("x")).Message);
        Assert.Throws<ArgumentNullException>(() => new SyncProgress<int>(null!));
    }
}
