namespace PanGym;

/// <summary>
/// Checks, before any work, that an output file or folder can be written: no part of its parent path is a file, and the
/// nearest folder that exists accepts a new file. A run that would fail only when it writes its result (after an
/// evaluation, a rollout or a training run) fails here instead, and nothing is created.
/// </summary>
public static class OutputLocation
{
    /// <summary>Checks that a file can be written at <paramref name="path"/>; returns its full path.</summary>
    /// <exception cref="IOException">A folder of that name exists, a parent is a file, or the folder cannot be written.</exception>
    public static string EnsureCanWriteFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new IOException($"Cannot write {full}: a folder of that name exists.");
        EnsureCanCreateIn(Path.GetDirectoryName(full)!, full);
        return full;
    }

    /// <summary>Checks that <paramref name="path"/> is, or can be made, a folder that accepts files; returns its full path.</summary>
    /// <exception cref="IOException">It is a file, a parent is a file, or the nearest existing folder cannot be written.</exception>
    public static string EnsureCanWriteFolder(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full = Path.GetFullPath(path);
        if (File.Exists(full)) throw new IOException($"Cannot write into {full}: it is a file, not a folder.");
        EnsureCanCreateIn(full, full);
        return full;
    }

    static void EnsureCanCreateIn(string folder, string target)
    {
        string? existing = folder;
        while (existing is not null && !Directory.Exists(existing))
        {
            if (File.Exists(existing)) throw new IOException($"Cannot write {target}: {existing} is a file, not a folder.");
            existing = Path.GetDirectoryName(existing);
        }
        if (existing is null) throw new IOException($"Cannot write {target}: none of its parent folders exists.");
        string probe = Path.Combine(existing, $".pangym-write-check-{Guid.NewGuid():N}");
        try
        {
            using (File.Create(probe, 1, FileOptions.DeleteOnClose)) { }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"Cannot write {target}: the folder {existing} does not accept new files ({e.Message}).", e);
        }
    }
}
