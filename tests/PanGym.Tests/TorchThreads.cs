using System.Runtime.CompilerServices;
using TorchSharp;

// TorchSharp 0.107 is not safe to drive from several test threads at once: under parallel test classes, scalars
// turned up freed mid-operation ("Expected false to be true … from toFloat"). The suite runs one test at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace PanGym.Tests;

/// <summary>
/// One torch thread per test run: on a shared two-core machine libtorch's OpenMP workers spin against other processes
/// (measured: up to two orders of magnitude slower), and one thread keeps timings stable.
/// </summary>
internal static class TorchThreads
{
    [ModuleInitializer]
    internal static void UseOneThreadPerTest() => torch.set_num_threads(1);
}
