// MSBuild task (compiled by RoslynCodeTaskFactory from PanGym.targets): makes TorchSharp's native
// library load on Linux systems whose libstdc++ is older than the one it was linked against.
//
// libLibTorchSharp.so (TorchSharp 0.107.0) records a version need on GLIBCXX_3.4.32 (GCC 13) for a
// single symbol it references but never calls. On a system whose libstdc++ stops at an older version
// (Debian 12: 3.4.30) the dynamic loader refuses the whole library. Setting VER_FLG_WEAK (0x2) on that
// one entry of .gnu.version_r turns the hard requirement into a weak one, so the library loads and
// runs. The file is patched in place through a temporary copy and an atomic rename, and only when the
// system's libstdc++ lacks the version; machines that have it are left untouched.
#nullable enable
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public sealed class LibStdCxxCompatTask : Task
{
    const ushort VerFlagWeak = 0x2;
    const uint ShtGnuVerneed = 0x6ffffffe;

    /// <summary>Folders to scan (recursively) for the native library.</summary>
    [Required] public ITaskItem[] Directories { get; set; } = Array.Empty<ITaskItem>();

    /// <summary>The native library's file name.</summary>
    public string LibraryName { get; set; } = "libLibTorchSharp.so";

    /// <summary>The libstdc++ symbol version that the library asks for.</summary>
    public string RequiredVersion { get; set; } = "GLIBCXX_3.4.32";

    public override bool Execute()
    {
        string? systemLib = FindSystemLibStdCxx();
        if (systemLib != null && ContainsAscii(File.ReadAllBytes(systemLib), RequiredVersion))
        {
            Log.LogMessage(MessageImportance.Low, $"PanGym: {systemLib} provides {RequiredVersion}; {LibraryName} left as it is.");
            return true;
        }
        foreach (var dir in Directories)
        {
            string root = dir.ItemSpec;
            if (!System.IO.Directory.Exists(root)) continue;
            foreach (var path in System.IO.Directory.EnumerateFiles(root, LibraryName, SearchOption.AllDirectories))
            {
                try
                {
                    if (MarkVersionNeedWeak(path, RequiredVersion))
                        Log.LogMessage(MessageImportance.Normal, $"PanGym: marked {RequiredVersion} weak in {path} (system libstdc++ lacks it).");
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
                {
                    Log.LogWarning($"PanGym: could not patch {path} for the libstdc++ version need {RequiredVersion}: {e.Message}");
                }
            }
        }
        return !Log.HasLoggedErrors;
    }

    static string? FindSystemLibStdCxx()
    {
        try
        {
            var psi = new ProcessStartInfo("ldconfig", "-p") { RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var candidate in new[] { "/sbin/ldconfig", "/usr/sbin/ldconfig", "ldconfig" })
            {
                if (candidate.StartsWith("/") && !File.Exists(candidate)) continue;
                psi.FileName = candidate;
                using var p = Process.Start(psi);
                if (p == null) continue;
                string output = p.StandardOutput.ReadToEnd();
                p.WaitForExit();
                foreach (var line in output.Split('\n'))
                {
                    int arrow = line.IndexOf("=> ", StringComparison.Ordinal);
                    if (line.TrimStart().StartsWith("libstdc++.so.6 ") && arrow > 0 && line.Contains("x86-64") == Environment.Is64BitOperatingSystem)
                    {
                        string path = line.Substring(arrow + 3).Trim();
                        if (File.Exists(path)) return path;
                    }
                }
                break;
            }
        }
        catch (Exception) { }
        foreach (var path in new[] { "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/aarch64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6" })
            if (File.Exists(path)) return path;
        return null;
    }

    static bool ContainsAscii(byte[] haystack, string needle)
    {
        byte[] n = Encoding.ASCII.GetBytes(needle + "\0");
        for (int i = 0; i + n.Length <= haystack.Length; i++)
        {
            int j = 0;
            while (j < n.Length && haystack[i + j] == n[j]) j++;
            if (j == n.Length) return true;
        }
        return false;
    }

    /// <summary>Sets VER_FLG_WEAK on the .gnu.version_r entry named <paramref name="version"/>; true when the file changed.</summary>
    public static bool MarkVersionNeedWeak(string path, string version)
    {
        byte[] elf = File.ReadAllBytes(path);
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            throw new InvalidDataException("not an ELF file");
        if (elf[4] != 2 || elf[5] != 1) throw new InvalidDataException("not a little-endian 64-bit ELF file");
        ulong shoff = BitConverter.ToUInt64(elf, 0x28);
        int shentsize = BitConverter.ToUInt16(elf, 0x3A);
        int shnum = BitConverter.ToUInt16(elf, 0x3C);
        bool changed = false;
        for (int i = 0; i < shnum; i++)
        {
            int sh = checked((int)shoff + i * shentsize);
            if (BitConverter.ToUInt32(elf, sh + 4) != ShtGnuVerneed) continue;
            int offset = checked((int)BitConverter.ToUInt64(elf, sh + 0x18));
            int link = (int)BitConverter.ToUInt32(elf, sh + 0x28);
            int strtab = checked((int)BitConverter.ToUInt64(elf, (int)shoff + link * shentsize + 0x18));
            int need = offset;
            while (true)
            {
                int count = BitConverter.ToUInt16(elf, need + 2);
                int aux = need + (int)BitConverter.ToUInt32(elf, need + 8);
                for (int k = 0; k < count; k++)
                {
                    int nameOffset = strtab + (int)BitConverter.ToUInt32(elf, aux + 8);
                    int end = Array.IndexOf(elf, (byte)0, nameOffset);
                    string name = Encoding.ASCII.GetString(elf, nameOffset, end - nameOffset);
                    ushort flags = BitConverter.ToUInt16(elf, aux + 4);
                    if (name == version && (flags & VerFlagWeak) == 0)
                    {
                        BitConverter.GetBytes((ushort)(flags | VerFlagWeak)).CopyTo(elf, aux + 4);
                        changed = true;
                    }
                    uint nextAux = BitConverter.ToUInt32(elf, aux + 12);
                    if (nextAux == 0) break;
                    aux += (int)nextAux;
                }
                uint next = BitConverter.ToUInt32(elf, need + 12);
                if (next == 0) break;
                need += (int)next;
            }
        }
        if (!changed) return false;
        // Copy first (keeps the file mode), write the patched bytes, then rename over the original.
        string temp = path + ".pangym-tmp";
        File.Copy(path, temp, true);
        using (var stream = new FileStream(temp, FileMode.Open, FileAccess.Write))
            stream.Write(elf, 0, elf.Length);
        File.Replace(temp, path, null);
        return true;
    }
}
