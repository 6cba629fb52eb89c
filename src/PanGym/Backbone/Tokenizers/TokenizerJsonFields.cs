using System.Text.Json;

namespace PanGym.Backbone;

/// <summary>
/// The field readers of <see cref="TokenizerJsonReader"/>: a required field of a given JSON kind, optional strings and
/// booleans, and the one error they all raise, naming the file and the field.
/// </summary>
internal static class TokenizerJsonFields
{
    internal static JsonElement Required(JsonElement parent, string name, JsonValueKind kind, string path, string field)
    {
        if (parent.ValueKind != JsonValueKind.Object || !parent.TryGetProperty(name, out JsonElement value))
        {
            throw Invalid(path, field, "is missing");
        }
        if (value.ValueKind != kind)
        {
            throw Invalid(path, field, $"expected {kind}, found {value.ValueKind}");
        }
        return value;
    }

    internal static string? OptionalString(JsonElement parent, string name, string path, string field) =>
        !parent.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : throw Invalid(path, field, $"expected a string, found {value.ValueKind}");

    internal static bool? OptionalBool(JsonElement parent, string name, string path, string field) =>
        !parent.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean()
        : throw Invalid(path, field, $"expected true or false, found {value.ValueKind}");

    internal static InvalidInputException Invalid(string path, string field, string problem) => new(path, $"{path}: {field} {problem}.");
}
