using System.CommandLine;
using System.Globalization;
using PanGym.Training.Distributed;
using Spectre.Console;

namespace PanGym.Cli.Commands;

/// <summary>
/// The MPI job a <c>pangym</c> process belongs to when a command runs with <c>--distributed mpi</c> under
/// <c>mpiexec</c>: joined once (MPI is initialised once per process), finalised when the command returns, and ended as a
/// whole (<c>MPI_Abort</c>) when one rank fails on its own, so that no rank is left waiting for it.
/// </summary>
internal static class DistributedJob
{
    static MpiCommunicator? _current;

    /// <summary>The <c>--distributed</c> option: none (one process) or mpi.</summary>
    public static Option<string> ModeOption() => new("--distributed")
    {
        Description = "none, or mpi: data-parallel training over the ranks of an MPI job (launch with mpiexec.mpich -n N dotnet PanGym.Cli.dll train ...).",
        DefaultValueFactory = _ => "none",
    };

    /// <summary>The <c>--collective-timeout</c> option, in seconds.</summary>
    public static Option<double?> TimeoutOption() => new("--collective-timeout")
    {
        Description = $"With --distributed mpi: seconds a rank waits for the others in a collective before it ends the job (default {MpiCommunicator.DefaultCollectiveTimeout.TotalSeconds:0}).",
    };

    /// <summary>Ranks in the job this process joined (1 without one).</summary>
    public static int Ranks => _current?.Size ?? 1;

    /// <summary>The communicator for <paramref name="mode"/>: one process, or this process's rank of the MPI job.</summary>
    /// <exception cref="ArgumentException">An unknown mode, or a timeout that is not positive.</exception>
    /// <exception cref="MpiNotFoundException">mpi was asked for and no MPI library can be loaded.</exception>
    public static ICommunicator Join(string mode, double? timeoutSeconds)
    {
        if (timeoutSeconds is double seconds && !(seconds > 0 && double.IsFinite(seconds)))
            throw new ArgumentException($"--collective-timeout must be a positive number of seconds, got {seconds.ToString(CultureInfo.InvariantCulture)}.");
        switch (mode.ToLowerInvariant())
        {
            case "none":
                return SingleProcessCommunicator.Instance;
            case "mpi":
                if (_current is not null) throw new InvalidOperationException("This process has already joined an MPI job.");
                return _current = new MpiCommunicator(timeoutSeconds is double timeout ? TimeSpan.FromSeconds(timeout) : null);
            default:
                throw new ArgumentException($"--distributed must be none or mpi, got \"{mode}\".");
        }
    }

    /// <summary>Where a rank prints: rank 0 to the console, the others nowhere (their errors still reach stderr).</summary>
    public static IAnsiConsole ConsoleFor(ICommunicator communicator) =>
        CliConsole.Create(communicator.Rank == 0 ? Console.Out : TextWriter.Null);

    /// <summary>Prints (on rank 0) the ranks of a job of several, with each one's pid and host, which MPICH's messages about a killed rank name.</summary>
    public static void DescribeRanks(IAnsiConsole console, ICommunicator communicator, int globalBatch)
    {
        if (communicator is not MpiCommunicator { Size: > 1 } mpi) return;
        var placements = mpi.Placements();
        console.WriteLine(
            $"distributed: {mpi.Size} ranks over MPI ({mpi.Library}), {globalBatch / mpi.Size} windows of each global batch per rank, collective timeout " +
            $"{mpi.CollectiveTimeout.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s; {string.Join("; ", placements)}");
    }

    /// <summary>
    /// Ends the job after <paramref name="error"/> escaped a command on one rank of several: prints it with the rank, then
    /// aborts every rank with exit code 2 (an input error) or 1. Ranks other than 0 wait a second first, so that an error
    /// every rank meets is printed once, by rank 0. Does not return.
    /// </summary>
    public static void Abort(Exception error, bool inputError)
    {
        var mpi = _current!;
        if (mpi.Rank != 0) Thread.Sleep(TimeSpan.FromSeconds(1));
        Console.Error.WriteLine($"error: {mpi}: {error.Message}");
        mpi.Abort(inputError ? 2 : 1);
    }

    /// <summary>Finalises MPI when the command has returned or every rank failed together.</summary>
    public static void Leave()
    {
        _current?.Dispose();
        _current = null;
    }
}
