using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PanGym.IO;

namespace PanGym.Data.Video;

/// <summary>
/// Replies of a caption endpoint on disk, keyed by a SHA-256 of everything that determines them (URL, model, prompt,
/// images), so that re-running an ingest (or resuming one) asks the model nothing twice. Entries are written
/// atomically; an unreadable entry is a miss.
/// </summary>
internal sealed class CaptionCache(string folder)
{
    /// <summary>The key of a request: a hash over its parts.</summary>
    public static string Key(IEnumerable<string> parts)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var part in parts)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(part));
            hash.AppendData([0]);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>The cached captions under <paramref name="key"/> when there are exactly <paramref name="count"/> of them.</summary>
    public IReadOnlyList<string>? TryGet(string key, int count)
    {
        string path = PathOf(key);
        if (!File.Exists(path)) return null;
        try
        {
            if (JsonNode.Parse(File.ReadAllText(path))?["captions"] is not JsonArray array || array.Count != count) return null;
            var captions = array.Select(item => item?.GetValue<string>()).ToList();
            return captions.All(c => !string.IsNullOrWhiteSpace(c)) ? [.. captions.Select(c => c!)] : null;
        }
        catch (Exception e) when (e is JsonException or IOException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    /// <summary>Stores <paramref name="captions"/> under <paramref name="key"/>.</summary>
    public void Put(string key, IReadOnlyList<string> captions)
    {
        string path = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        AtomicFile.WriteAllText(path, new JsonObject { ["captions"] = new JsonArray([.. captions.Select(c => JsonValue.Create(c))]) }.ToJsonString() + "\n");
    }

    string PathOf(string key) => Path.Combine(folder, key[..2], key + ".json");
}
