namespace PanGym.Data;

/// <summary>
/// Resolves a path inside a data set's folder the way the operating system will open it, every symbolic link along the
/// way followed, and refuses it unless the real file lies inside the folder's real location: a data set cannot make
/// PanGym read <c>/etc/passwd</c> through <c>episodes/e000000.safetensors → /etc/passwd</c>, nor through a linked
/// <c>episodes/</c> folder.
/// </summary>
internal static class ContainedPath
{
    /// <summary>Links followed before a path is taken to loop (as Linux's <c>MAXSYMLINKS</c>).</summary>
    const int MaxLinks = 40;

    /// <summary>
    /// The real path of <paramref name="relativePath"/> under <paramref name="root"/>, or an
    /// <see cref="EpisodeDatasetException"/> naming <paramref name="what"/> when it leads outside the folder or loops.
    /// A path that does not exist (yet) resolves as far as it exists.
    /// </summary>
    public static string Resolve(string root, string relativePath, string what)
    {
        string realRoot = RealPath(root, what);
        string real = RealPath(Path.Combine(root, relativePath), what);
        string inside = realRoot.EndsWith(Path.DirectorySeparatorChar) ? realRoot : realRoot + Path.DirectorySeparatorChar;
        if (!real.StartsWith(inside, StringComparison.Ordinal))
            throw new EpisodeDatasetException(Path.Combine(root, relativePath),
                $"{what} resolves to {real}, outside the data set folder {realRoot} (a symbolic link leads out of it); a data set reads only its own files.");
        return real;
    }

    /// <summary>The full path of <paramref name="path"/> with every symbolic link in it followed.</summary>
    static string RealPath(string path, string what)
    {
        string pending = Path.GetFullPath(path);
        for (int links = 0; ; links++)
        {
            string root = Path.GetPathRoot(pending)!;
            string current = root;
            string[] parts = pending[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
            string? restart = null;
            for (int i = 0; i < parts.Length && restart is null; i++)
            {
                string next = Path.Combine(current, parts[i]);
                if (new FileInfo(next).LinkTarget is string target)
                {
                    if (links >= MaxLinks)
                        throw new EpisodeDatasetException(path, $"{what} goes through more than {MaxLinks} symbolic links (a loop?).");
                    restart = Path.Combine([Path.GetFullPath(target, current), .. parts[(i + 1)..]]);
                }
                else
                {
                    current = next;
                }
            }
            if (restart is null) return current;
            pending = restart;
        }
    }
}
