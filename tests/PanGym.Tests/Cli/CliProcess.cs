using System.Diagnostics;

namespace PanGym.Tests.Cli;

/// <summary>
/// Runs <c>pangym</c> as a child process (<c>dotnet PanGym.Cli.dll …</c>), as a user does, for tests where the process
/// itself is under test: its exit code, that it prints one line and no stack trace, that it does not crash or hang.
/// </summary>
internal static class CliProcess
{
    public static (int ExitCode, string Output, string Error) Run(params string[] args) => Run(TimeSpan.FromMinutes(3), args);

    public static (int ExitCode, string Output, string Error) Run(TimeSpan timeout, params string[] args)
    {
        var start = new ProcessStartInfo(DotnetHost) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "PanGym.Cli.dll"));
        foreach (string arg in args) start.ArgumentList.Add(arg);
        start.Environment.Remove("PANGYM_VERBOSE");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"pangym {string.Join(' ', args.Select(a => a.Length > 60 ? a[..60] + "…" : a))} did not finish in {timeout}.");
        }
        process.WaitForExit();
        return (process.ExitCode, output.Result, error.Result);
    }

    /// <summary>
    /// Starts <c>pangym</c>, kills it with SIGKILL as soon as <paramref name="condition"/> holds (polled every 10 ms) and
    /// returns the step of the checkpoint it left (-1 when none); fails when the process exits by itself first.
    /// </summary>
    public static long RunUntil(Func<bool> condition, params string[] args)
    {
        var start = new ProcessStartInfo(DotnetHost) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "PanGym.Cli.dll"));
        foreach (string arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (process.HasExited) Assert.Fail($"pangym exited ({process.ExitCode}) before the condition held.");
            if (clock.Elapsed > TimeSpan.FromMinutes(3)) { process.Kill(entireProcessTree: true); Assert.Fail("the condition did not hold in 3 minutes."); }
            Thread.Sleep(10);
        }
        process.Kill(entireProcessTree: true);
        process.WaitForExit();
        string run = args[Array.IndexOf(args, "--out") + 1];
        if (!PanGym.Training.TrainingCheckpoint.Recover(Path.GetFullPath(run))) return -1;
        return PanGym.Training.TrainingCheckpoint.ReadState(run).Step;
    }

    /// <summary>Asserts a refusal: exit code 2, one line on stderr that contains every one of <paramref name="expected"/>, no stack trace.</summary>
    public static void AssertRefused((int ExitCode, string Output, string Error) result, params string[] expected)
    {
        string error = result.Error.TrimEnd('\n', '\r');
        Assert.True(result.ExitCode == 2, $"exit code {result.ExitCode}; stderr: {Head(result.Error)}");
        Assert.False(error.Contains('\n'), $"more than one line on stderr: {Head(result.Error)}");
        Assert.StartsWith("error: ", error);
        Assert.DoesNotContain("   at ", error);
        Assert.True(error.Length < 1200, $"stderr is {error.Length} characters long");
        foreach (string part in expected) Assert.Contains(part, error);
    }

    /// <summary>Every file under <paramref name="folder"/> with its length and last write, to assert that nothing changed.</summary>
    public static string Snapshot(string folder) => !Directory.Exists(folder) ? "(none)" : string.Join("\n",
        Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(path => File.Exists(path) ? $"{path} {new FileInfo(path).Length} {File.GetLastWriteTimeUtc(path).Ticks}" : path));

    static string Head(string text) => text.Length > 600 ? text[..600] + "…" : text;

    static string DotnetHost => Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
}
