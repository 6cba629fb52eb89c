using System.Reflection;
using System.Runtime.InteropServices;

namespace PanGym.Training.Distributed;

/// <summary>
/// Points MPI.NET at an MPI library. MPI.NET 1.4 imports MS-MPI (<c>msmpi.dll</c>); MPICH keeps the same ABI (integer
/// handles, the same constants), so on Linux a DllImport resolver on MPI.NET's assembly hands it MPICH's
/// <c>libmpich.so.12</c>, or another library of the MPICH ABI initiative (Intel MPI, MVAPICH: <c>libmpi.so.12</c>).
/// Open MPI (<c>libmpi.so.40</c>) has pointer handles and would crash MPI.NET, so it is never loaded.
/// </summary>
internal static class MpiLibrary
{
    /// <summary>An environment variable naming the MPI library to load instead (a path, or a name the loader finds); it must have MPICH's ABI.</summary>
    public const string OverrideVariable = "PANGYM_MPI_LIBRARY";

    static readonly string[] _linuxCandidates = ["libmpich.so.12", "libmpi.so.12", "libmpich.so"];
    static readonly Lock _gate = new();
    static nint _handle;
    static string? _loaded;

    /// <summary>Loads the MPI library once and routes MPI.NET's imports to it; returns its name.</summary>
    /// <exception cref="MpiNotFoundException">No candidate could be loaded.</exception>
    public static string Load()
    {
        lock (_gate)
        {
            if (_loaded is not null) return _loaded;
            string? chosen = System.Environment.GetEnvironmentVariable(OverrideVariable);
            string[] candidates = !string.IsNullOrWhiteSpace(chosen) ? [chosen]
                : OperatingSystem.IsWindows() ? ["msmpi.dll"]
                : _linuxCandidates;
            foreach (string candidate in candidates)
            {
                if (!NativeLibrary.TryLoad(candidate, out var handle)) continue;
                _handle = handle;
                NativeLibrary.SetDllImportResolver(typeof(MPI.Communicator).Assembly, Resolve);
                return _loaded = candidate;
            }
            string install = OperatingSystem.IsWindows()
                ? "install Microsoft MPI (MS-MPI) and launch with mpiexec -n N"
                : "install MPICH (Debian/Ubuntu: sudo apt-get install mpich; Fedora: sudo dnf install mpich) and launch with mpiexec.mpich -n N";
            throw new MpiNotFoundException(
                $"--distributed mpi needs an MPI library with MPICH's ABI, but none could be loaded (tried {string.Join(", ", candidates)}" +
                $"{(string.IsNullOrWhiteSpace(chosen) ? $"; set {OverrideVariable} to its path if it is elsewhere" : $", from {OverrideVariable}")}): {install}.");
        }
    }

    static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) =>
        libraryName.StartsWith("msmpi", StringComparison.OrdinalIgnoreCase) ? _handle : 0;
}
