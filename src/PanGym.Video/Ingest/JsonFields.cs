using System.Text.Json.Nodes;

namespace PanGym.Data.Video;

/// <summary>Reads required fields of the ingest's own JSON files, with a <see cref="FormatException"/> naming the missing or malformed one.</summary>
internal static class JsonFields
{
    /// <summary>The field <paramref name="name"/> of <paramref name="node"/> as <typeparamref name="T"/>.</summary>
    public static T Get<T>(JsonNode? node, string name)
    {
        if (node is not JsonObject obj || !obj.TryGetPropertyValue(name, out var field) || field is not JsonValue value || !value.TryGetValue(out T? result) || result is null)
            throw new FormatException($"The field \"{name}\" is missing or not a {typeof(T).Name} in {node?.ToJsonString() ?? "null"}.");
        return result;
    }

    /// <summary>The field <paramref name="name"/> as <typeparamref name="T"/>, or <paramref name="fallback"/> when absent or null.</summary>
    public static T GetOr<T>(JsonNode? node, string name, T fallback) =>
        node is JsonObject obj && obj[name] is JsonValue value && value.TryGetValue(out T? result) && result is not null ? result : fallback;

    /// <summary>The array field <paramref name="name"/> (empty when absent).</summary>
    public static JsonArray Array(JsonNode? node, string name) => node?[name] as JsonArray ?? [];
}
