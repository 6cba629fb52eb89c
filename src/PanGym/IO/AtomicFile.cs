using System.Text;

namespace PanGym.IO;

/// <summary>Writes a file under a temporary name in the same folder, then renames it, so readers never see half a file.</summary>
internal static class AtomicFile
{
    /// <summary>Writes <paramref name="text"/> as UTF-8 (no byte-order mark) to <paramref name="path"/>.</summary>
    public static void WriteAllText(string path, string text)
    {
        string temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            File.WriteAllText(temporary, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
