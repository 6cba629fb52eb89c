using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace PanGym.Tests.Training.Distributed;

/// <summary>
/// A <c>pangym</c> job launched as a user launches one: <c>mpiexec.mpich -n N dotnet PanGym.Cli.dll …</c>, with the
/// command line built next to these tests. Collects stdout and stderr, and kills whatever is left when disposed.
/// </summary>
internal sealed partial class MpiJob : IDisposable
{
    readonly Process _process;
    readonly StringBuilder _output = new(), _error = new();

    MpiJob(IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(Launcher) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["OMP_NUM_THREADS"] = "1";
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Append(_output, e.Data);
        _process.ErrorDataReceived += (_, e) => Append(_error, e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>MPICH's launcher, which tools/setup.sh installs.</summary>
    public static string Launcher { get; } =
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(dir => Path.Combine(dir, "mpiexec.mpich")).FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("mpiexec.mpich is not installed: run tools/setup.sh (Debian/Ubuntu: apt-get install mpich libmpich-dev).");

    /// <summary>Starts <c>pangym <paramref name="arguments"/></c> on <paramref name="ranks"/> ranks.</summary>
    public static MpiJob Start(int ranks, params string[] arguments) => new(["-n", ranks.ToString(), .. Command(arguments)]);

    /// <summary>Starts one rank per argument list (MPMD: <c>mpiexec -n 1 a : -n 1 b</c>), to give ranks different inputs.</summary>
    public static MpiJob StartEach(params string[][] perRank) =>
        new(perRank.SelectMany((arguments, i) => (string[])[.. i > 0 ? [":"] : Array.Empty<string>(), "-n", "1", .. Command(arguments)]));

    /// <summary>Runs a job to its end: (exit code, stdout, stderr).</summary>
    public static (int ExitCode, string Output, string Error) Run(int ranks, params string[] arguments)
    {
        using var job = Start(ranks, arguments);
        return job.WaitForExit(TimeSpan.FromMinutes(3));
    }

    /// <summary>Stdout so far.</summary>
    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    /// <summary>Waits for the job to end (failing the test after <paramref name="timeout"/>).</summary>
    public (int ExitCode, string Output, string Error) WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            _process.Kill(entireProcessTree: true);
            Assert.Fail($"The MPI job did not end within {timeout}: {Output} {_error}");
        }
        _process.WaitForExit();
        lock (_error) return (_process.ExitCode, Output, _error.ToString());
    }

    /// <summary>Waits until rank 0 has printed the ranks' pids, and returns <paramref name="rank"/>'s.</summary>
    public int ProcessIdOf(int rank, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout && !_process.HasExited)
        {
            var match = Regex.Match(Whitespace().Replace(Output, " "), $@"rank {rank}: pid (\d+) on ");
            if (match.Success) return int.Parse(match.Groups[1].Value);
            Thread.Sleep(50);
        }
        throw new TimeoutException($"The job printed no pid for rank {rank}: {Output}");
    }

    /// <summary>Stdout with line breaks and runs of spaces as single spaces (the console wraps long lines).</summary>
    public static string Flat(string text) => Whitespace().Replace(text, " ");

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }

    static string[] Command(string[] arguments) => [DotnetHost, Path.Combine(AppContext.BaseDirectory, "PanGym.Cli.dll"), .. arguments];

    /// <summary>The dotnet host running these tests (or the one on PATH).</summary>
    static string DotnetHost => Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";

    static void Append(StringBuilder text, string? line)
    {
        if (line is null) return;
        lock (text) text.Append(line).Append('\n');
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
