using System.Runtime.InteropServices;
using System.Text;
using static MPI.Unsafe;

namespace PanGym.Training.Distributed;

/// <summary>
/// The ranks of an MPI job (<c>mpiexec -n N …</c>) as an <see cref="ICommunicator"/>, through MPI.NET on MPICH (or
/// another library of MPICH's ABI; see <see cref="MpiLibrary"/>). MPI is the transport that data-parallel training uses
/// where a framework brings none: it is one of <c>torch.distributed</c>'s backends and Horovod's, and clusters already
/// run it. Creating the communicator initialises MPI (once per process); disposing it finalises MPI.
/// </summary>
/// <remarks>
/// <para>Failures end the whole job rather than leave ranks waiting: MPI errors are returned and thrown as
/// <see cref="IOException"/>; a collective that waits longer than <see cref="CollectiveTimeout"/> (a rank that hangs, a
/// node that cannot be reached) prints which rank gave up and calls <c>MPI_Abort</c>; SIGTERM sent to one rank prints
/// its rank and aborts the job the same way. A rank that is killed outright (SIGKILL, out of memory) is cleaned up by
/// MPICH's launcher at once, which names its pid and host: <see cref="Placements"/> maps them to ranks. A run resumes
/// from its last checkpoint, which is written atomically, so an abort loses nothing that was checkpointed.</para>
/// </remarks>
public sealed class MpiCommunicator : ICommunicator, IDisposable
{
    /// <summary>The default <see cref="CollectiveTimeout"/>: ten minutes, far above a step, a validation or a checkpoint.</summary>
    public static readonly TimeSpan DefaultCollectiveTimeout = TimeSpan.FromMinutes(10);

    /// <summary>The exit code of a job ended by a collective's timeout.</summary>
    public const int TimeoutExitCode = 3;

    /// <summary>The exit code of a job ended because one rank was sent SIGTERM (128 + 15, as a shell reports it).</summary>
    public const int TerminatedExitCode = 143;

    const int MaxCount = int.MaxValue / 2;

    /// <summary>How long a rank lets the launcher forward its last lines before it aborts the job (an abort drops output still in flight).</summary>
    static readonly TimeSpan _forwardingPause = TimeSpan.FromMilliseconds(250);
    static readonly nint _inPlace = -1;
    static int _created;

    readonly MPI.Environment _environment;
    readonly CollectiveWatchdog _watchdog;
    readonly PosixSignalRegistration? _terminate;
    bool _disposed;

    /// <summary>Initialises MPI and joins the job this process was launched in (a job of one rank without a launcher).</summary>
    /// <param name="collectiveTimeout">The longest a collective may wait for the other ranks before the job is aborted (default <see cref="DefaultCollectiveTimeout"/>).</param>
    /// <exception cref="MpiNotFoundException">No MPI library of MPICH's ABI can be loaded.</exception>
    /// <exception cref="InvalidOperationException">MPI was initialised in this process before (it cannot be initialised twice).</exception>
    public MpiCommunicator(TimeSpan? collectiveTimeout = null)
    {
        var timeout = collectiveTimeout ?? DefaultCollectiveTimeout;
        if (timeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(collectiveTimeout), timeout, "The collective timeout must be positive.");
        Library = MpiLibrary.Load();
        if (Interlocked.Exchange(ref _created, 1) == 1)
            throw new InvalidOperationException("MPI has already been initialised in this process; an MPI job has one MpiCommunicator per process, and MPI cannot be initialised again.");
        string[] arguments = [];
        _environment = new MPI.Environment(ref arguments, MPI.Threading.Multiple);
        Rank = MPI.Communicator.world.Rank;
        Size = MPI.Communicator.world.Size;
        Host = MPI.Environment.ProcessorName;
        Check(MPI_Errhandler_set(MPI_COMM_WORLD, MPI_ERRORS_RETURN), "MPI_Errhandler_set");
        _watchdog = new CollectiveWatchdog(timeout, TimedOut);
        if (!OperatingSystem.IsWindows()) _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Terminated);
    }

    /// <inheritdoc/>
    public int Rank { get; }

    /// <inheritdoc/>
    public int Size { get; }

    /// <summary>This rank's host (MPI's processor name).</summary>
    public string Host { get; }

    /// <summary>The MPI library loaded (for example <c>libmpich.so.12</c>).</summary>
    public string Library { get; }

    /// <summary>The longest a collective may wait before the job is aborted.</summary>
    public TimeSpan CollectiveTimeout => _watchdog.Timeout;

    /// <inheritdoc/>
    public void SumInPlace(Span<float> values) => AllReduceInPlace(values, MPI_FLOAT, MPI_SUM, "an all-reduce (sum) of {0:N0} floats");

    /// <inheritdoc/>
    public void MaxInPlace(Span<long> values) => AllReduceInPlace(values, MPI_LONG_LONG_INT, MPI_MAX, "an all-reduce (max) of {0:N0} integers");

    /// <inheritdoc/>
    public unsafe IReadOnlyList<byte[]> AllGather(ReadOnlySpan<byte> value)
    {
        var lengths = new int[Size];
        int length = value.Length, code;
        using (Enter("an all-gather of lengths"))
        fixed (int* gathered = lengths)
            code = MPI_Allgather((nint)(&length), 1, MPI_INT, (nint)gathered, 1, MPI_INT, MPI_COMM_WORLD);
        Check(code, "MPI_Allgather");
        var offsets = new int[Size];
        for (int rank = 1; rank < Size; rank++) offsets[rank] = checked(offsets[rank - 1] + lengths[rank - 1]);
        var all = new byte[checked(offsets[^1] + lengths[^1])];
        using (Enter($"an all-gather of {all.Length:N0} bytes"))
        fixed (byte* sent = value)
        fixed (byte* received = all)
            code = MPI_Allgatherv((nint)sent, value.Length, MPI_BYTE, (nint)received, lengths, offsets, MPI_BYTE, MPI_COMM_WORLD);
        Check(code, "MPI_Allgatherv");
        return [.. Enumerable.Range(0, Size).Select(rank => all.AsSpan(offsets[rank], lengths[rank]).ToArray())];
    }

    /// <summary>Every rank's host and process id, in rank order (a collective).</summary>
    public IReadOnlyList<RankPlacement> Placements()
    {
        var gathered = AllGather(Encoding.UTF8.GetBytes($"{System.Environment.ProcessId}\n{Host}"));
        return [.. gathered.Select((bytes, rank) =>
        {
            var parts = Encoding.UTF8.GetString(bytes).Split('\n', 2);
            return new RankPlacement(rank, parts[1], int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture));
        })];
    }

    /// <summary>Ends every rank of the job at once with <paramref name="exitCode"/> (<c>MPI_Abort</c>); it does not return.</summary>
    public void Abort(int exitCode)
    {
        Console.Out.Flush();
        Console.Error.Flush();
        Thread.Sleep(_forwardingPause);
        MPI_Abort(MPI_COMM_WORLD, exitCode);
    }

    /// <summary>Finalises MPI (after every rank has finished its collectives).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _terminate?.Dispose();
        _watchdog.Dispose();
        _environment.Dispose();
    }

    /// <summary>"rank 1 of 2 (pid 4242 on node-a)": how this rank's messages name it.</summary>
    public override string ToString() => $"rank {Rank} of {Size} (pid {System.Environment.ProcessId} on {Host})";

    /// <summary>MPI_Allreduce in place, in parts of at most <see cref="MaxCount"/> elements (MPI counts are ints).</summary>
    unsafe void AllReduceInPlace<T>(Span<T> values, int datatype, int operation, string description) where T : unmanaged
    {
        for (int start = 0; start < values.Length; start += MaxCount)
        {
            var part = values.Slice(start, Math.Min(MaxCount, values.Length - start));
            int code;
            using (Enter(string.Format(System.Globalization.CultureInfo.InvariantCulture, description, part.Length)))
            fixed (T* data = part)
                code = MPI_Allreduce(_inPlace, (nint)data, part.Length, datatype, operation, MPI_COMM_WORLD);
            Check(code, "MPI_Allreduce");
        }
    }

    CollectiveWatchdog.Scope Enter(string operation)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _watchdog.Enter(operation);
    }

    void TimedOut(string operation)
    {
        Console.Error.WriteLine(
            $"error: {this}: {operation} waited more than {CollectiveTimeout.TotalSeconds:0.#} s for the other ranks: one of them has stopped or hangs, " +
            "or its node cannot be reached. Ending the job; resume it from its last checkpoint with --resume.");
        Abort(TimeoutExitCode);
    }

    void Terminated(PosixSignalContext context)
    {
        Console.Error.WriteLine($"error: {this} was sent SIGTERM: ending the job; resume it from its last checkpoint with --resume.");
        Abort(TerminatedExitCode);
    }

    void Check(int code, string function)
    {
        if (code == MPI_SUCCESS) return;
        var text = new byte[MPI_MAX_ERROR_STRING];
        int length = text.Length;
        string detail = MPI_Error_string(code, text, ref length) == MPI_SUCCESS ? Encoding.ASCII.GetString(text, 0, length).Trim() : $"error code {code}";
        throw new IOException($"{this}: {function} failed ({detail}); another rank has probably stopped.");
    }
}
