namespace PanGym.Backbone;

/// <summary>
/// The memory this process may fill, and the check that a model about to be built fits in it, so that an oversized
/// (or corrupt) config is refused with a clear message before libtorch tries to allocate it.
/// </summary>
internal static class MemoryBudget
{
    /// <summary>Bytes the process may use: physical memory, or the container's limit when one is set (as the GC sees it).</summary>
    public static long AvailableBytes => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

    /// <summary>Throws <see cref="InvalidInputException"/> naming <paramref name="source"/> when <paramref name="bytes"/> exceed <see cref="AvailableBytes"/>.</summary>
    /// <param name="bytes">The estimate.</param>
    /// <param name="source">The file or folder whose contents ask for the memory.</param>
    /// <param name="what">What needs it, as the message's subject (e.g. "The Qwen2 checkpoint in …, 72,000,000,000 parameters in float32,").</param>
    public static void EnsureFits(long bytes, string source, string what)
    {
        long available = AvailableBytes;
        if (bytes > available)
            throw new InvalidInputException(source, $"{what} needs about {Describe(bytes)} of memory, more than the {Describe(available)} this machine has; nothing was allocated.");
    }

    /// <summary>A byte count in the largest unit that keeps it at least 1 (B, KB, MB, GB, TB; powers of 1024).</summary>
    public static string Describe(double bytes)
    {
        string[] units = ["B", "KB", "MB", "GB", "TB", "PB", "EB"];
        int unit = 0;
        while (bytes >= 1024 && unit < units.Length - 1)
        {
            bytes /= 1024;
            unit++;
        }
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{bytes:0.#} {units[unit]}");
    }
}
