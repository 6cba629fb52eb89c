using System.Text.Json;

namespace PanGym.Backbone;

/// <summary>
/// Reads a Hugging Face <c>config.json</c>: the file must exist, parse as JSON and hold an object, which a reader turns
/// into a configuration; a <see cref="FormatException"/> from the reader becomes an <see cref="InvalidInputException"/> that starts with the file's path.
/// </summary>
internal static class ConfigJsonFile
{
    /// <summary>Reads the file at <paramref name="path"/>; <paramref name="what"/> names it in the not-found error.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidInputException">The JSON is malformed or the reader refuses it; the message starts with the path.</exception>
    public static T Read<T>(string path, string what, Func<JsonElement, T> read)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{what} not found: {path}", path);
        try
        {
            return Parse(File.ReadAllText(path), read);
        }
        catch (FormatException e)
        {
            throw new InvalidInputException(path, $"{path}: {e.Message}", e);
        }
    }

    /// <summary>Parses config.json text and hands its root object to <paramref name="read"/>.</summary>
    /// <exception cref="FormatException">The JSON is malformed, not an object, or refused by the reader.</exception>
    public static T Parse<T>(string json, Func<JsonElement, T> read)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new FormatException($"config.json is not valid JSON: {e.Message}", e);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object) throw new FormatException("config.json must be a JSON object.");
            return read(document.RootElement);
        }
    }
}
