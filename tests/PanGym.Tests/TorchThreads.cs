using System.Runtime.CompilerServices;
using TorchSharp;

namespace PanGym.Tests;

/// <summary>
/// xunit runs test classes in parallel, one per core; libtorch's own thread pool on top of that oversubscribes the two
/// cores and its OpenMP workers spin against each other (measured: two orders of magnitude slower). One torch thread per
/// test keeps the suite fast and its timings stable.
/// </summary>
internal static class TorchThreads
{
    [ModuleInitializer]
    internal static void UseOneThreadPerTest() => torch.set_num_threads(1);
}
