using System.CommandLine;
using TorchSharp;

namespace PanGym.Cli.Commands;

/// <summary>The <c>--threads</c> option that every compute command shares: libtorch's intra-op thread count.</summary>
internal static class ThreadsOption
{
    /// <summary>A fresh <c>--threads</c> option (System.CommandLine options belong to one command each).</summary>
    public static Option<int?> Create(string description = "libtorch intra-op threads (default: libtorch's choice).") =>
        new("--threads") { Description = description };

    /// <summary>Sets libtorch's intra-op threads to <paramref name="threads"/>; null leaves libtorch's choice.</summary>
    /// <exception cref="ArgumentException">A count below 1.</exception>
    public static void Apply(int? threads)
    {
        if (threads is not int count) return;
        if (count < 1) throw new ArgumentException($"--threads must be at least 1, got {count}.");
        torch.set_num_threads(count);
    }
}
