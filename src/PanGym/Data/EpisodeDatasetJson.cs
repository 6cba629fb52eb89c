using System.Text.Json;
using System.Text.Json.Nodes;

namespace PanGym.Data;

/// <summary>
/// The file names and JSON of the episode data set format (see <see cref="EpisodeDataset"/>): writing
/// <c>dataset.json</c> and <c>episodes.jsonl</c> lines, and parsing them with errors that name the file, the line and
/// the field. The reader and the writer share it, so both agree on every detail.
/// </summary>
internal static class EpisodeDatasetJson
{
    public const string Format = "pangym-episodes";
    public const int Version = 1;
    public const string HeaderFile = "dataset.json";
    public const string EpisodesFile = "episodes.jsonl";
    public const string EpisodesFolder = "episodes";
    public const string FramesTensor = "frames";
    public const string IdMetadataKey = "id";

    static readonly JsonSerializerOptions _indented = new() { WriteIndented = true };

    /// <summary>The relative frames file of episode <paramref name="id"/>.</summary>
    public static string EpisodeFile(string id) => $"{EpisodesFolder}/{id}.safetensors";

    /// <summary>The text of <c>dataset.json</c>.</summary>
    public static string FormatHeader(EpisodeDatasetInfo info, int episodes, long steps) => new JsonObject
    {
        ["format"] = Format,
        ["version"] = Version,
        ["frame_height"] = info.FrameHeight,
        ["frame_width"] = info.FrameWidth,
        ["episodes"] = episodes,
        ["steps"] = steps,
        ["source"] = info.Source,
        ["metadata"] = info.Metadata.DeepClone(),
    }.ToJsonString(_indented) + "\n";

    /// <summary>Parses <c>dataset.json</c> read from <paramref name="path"/>.</summary>
    /// <exception cref="EpisodeDatasetException">Not JSON, a wrong format or version, or a field missing or of the wrong kind.</exception>
    public static (EpisodeDatasetInfo Info, int Episodes, long Steps) ParseHeader(string path, string text)
    {
        var fields = new Fields(path, $"{path}:", ParseObject(path, text, $"{path} is not valid JSON"));
        string format = fields.String("format");
        if (format != Format)
            throw new EpisodeDatasetException(path, $"{path}: \"format\" is \"{format}\", expected \"{Format}\"; this is not a PanGym episode data set.");
        long version = fields.Integer("version", 1);
        if (version != Version)
            throw new EpisodeDatasetException(path, $"{path}: format version {version} is not supported (this PanGym reads version {Version}).");
        var info = new EpisodeDatasetInfo(
            checked((int)fields.Integer("frame_height", 1, int.MaxValue)),
            checked((int)fields.Integer("frame_width", 1, int.MaxValue)),
            fields.String("source"),
            fields.OptionalObject("metadata"));
        return (info, checked((int)fields.Integer("episodes", 0, int.MaxValue)), fields.Integer("steps", 0));
    }

    /// <summary>One line of <c>episodes.jsonl</c>, without the newline.</summary>
    public static string FormatRecord(EpisodeRecord record) => new JsonObject
    {
        ["id"] = record.Id,
        ["file"] = record.File,
        ["steps"] = record.Steps,
        ["split"] = SplitName(record.Split),
        ["actions"] = new JsonArray([.. record.Actions.Select(a => JsonValue.Create(a))]),
        ["provenance"] = record.Provenance.DeepClone(),
    }.ToJsonString();

    /// <summary>Parses line <paramref name="lineNumber"/> (1-based) of <c>episodes.jsonl</c> at <paramref name="path"/>.</summary>
    /// <exception cref="EpisodeDatasetException">Not JSON, a field missing or of the wrong kind, or an inconsistent record.</exception>
    public static EpisodeRecord ParseRecord(string path, int lineNumber, string line)
    {
        string where = $"{path} line {lineNumber}";
        if (string.IsNullOrWhiteSpace(line)) throw new EpisodeDatasetException(path, $"{where} is empty; every line must describe one episode.");
        var fields = new Fields(path, $"{where}:", ParseObject(path, line, $"{where} is not valid JSON"));
        string id = fields.String("id");
        fields = new Fields(path, $"{where} (episode {id}):", fields.Object);
        string splitName = fields.String("split");
        var split = ParseSplit(splitName)
            ?? throw new EpisodeDatasetException(path, $"{fields.Where} \"split\" is \"{splitName}\", expected \"train\" or \"validation\".");
        try
        {
            return new EpisodeRecord(id, fields.String("file"), checked((int)fields.Integer("steps", 1, int.MaxValue)), split,
                fields.Strings("actions"), fields.OptionalObject("provenance"));
        }
        catch (ArgumentException e)
        {
            throw new EpisodeDatasetException(path, $"{where}: {e.Message}", e);
        }
    }

    /// <summary>
    /// Splits <paramref name="text"/> into its newline-terminated lines (without the newlines) and what follows the last
    /// newline: null when the text is empty or ends with a newline, else an unterminated last line.
    /// </summary>
    public static (string[] Lines, string? Unterminated) SplitLines(string text)
    {
        var parts = text.Split('\n');
        return (parts[..^1], parts[^1].Length == 0 ? null : parts[^1]);
    }

    /// <summary>
    /// Parses the lines of <c>episodes.jsonl</c> (without their newlines; an empty file has none) and checks that ids
    /// and frames files are unique.
    /// </summary>
    /// <exception cref="EpisodeDatasetException">A line is malformed or repeats an id or a file.</exception>
    public static List<EpisodeRecord> ParseRecords(string path, IReadOnlyList<string> lines)
    {
        var records = new List<EpisodeRecord>(lines.Count);
        var ids = new HashSet<string>();
        var files = new HashSet<string>();
        for (int i = 0; i < lines.Count; i++)
        {
            var record = ParseRecord(path, i + 1, lines[i].TrimEnd('\r'));
            if (!ids.Add(record.Id)) throw new EpisodeDatasetException(path, $"{path} line {i + 1}: the episode id \"{record.Id}\" appears twice.");
            if (!files.Add(record.File))
                throw new EpisodeDatasetException(path, $"{path} line {i + 1} (episode {record.Id}): the frames file \"{record.File}\" belongs to another episode too.");
            records.Add(record);
        }
        return records;
    }

    /// <summary>The split's name in the files.</summary>
    public static string SplitName(EpisodeSplit split) => split == EpisodeSplit.Train ? "train" : "validation";

    static EpisodeSplit? ParseSplit(string name) => name switch
    {
        "train" => EpisodeSplit.Train,
        "validation" => EpisodeSplit.Validation,
        _ => null,
    };

    static JsonObject ParseObject(string path, string text, string notJson)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            throw new EpisodeDatasetException(path, $"{notJson} ({e.Message}).", e);
        }
        return node as JsonObject ?? throw new EpisodeDatasetException(path, $"{notJson}: expected a JSON object, got {Describe(node)}.");
    }

    static string Describe(JsonNode? node) => node is null ? "null" : $"{node.GetValueKind()} {node.ToJsonString()}";

    /// <summary>Typed access to a JSON object's fields, with errors prefixed by where the object came from.</summary>
    sealed record Fields(string Path, string Where, JsonObject Object)
    {
        public string String(string name) =>
            Required(name) is JsonValue value && value.TryGetValue(out string? text)
                ? text
                : throw Wrong(name, "a string");

        public long Integer(string name, long min, long max = long.MaxValue)
        {
            if (Required(name) is JsonValue value && value.TryGetValue(out long number) && number >= min && number <= max) return number;
            throw Wrong(name, max == long.MaxValue ? $"an integer ≥ {min}" : $"an integer in [{min}, {max}]");
        }

        public string[] Strings(string name)
        {
            if (Required(name) is not JsonArray array) throw Wrong(name, "an array of strings");
            return [.. array.Select((item, i) => item is JsonValue value && value.TryGetValue(out string? text)
                ? text
                : throw new EpisodeDatasetException(Path, $"{Where} \"{name}\"[{i}] must be a string, got {Describe(item)}."))];
        }

        public JsonObject? OptionalObject(string name) => Object[name] switch
        {
            null when !Object.ContainsKey(name) => null,
            JsonObject value => value,
            var other => throw Wrong(name, "an object"),
        };

        JsonNode? Required(string name) =>
            Object.TryGetPropertyValue(name, out var node) ? node : throw new EpisodeDatasetException(Path, $"{Where} the field \"{name}\" is missing.");

        EpisodeDatasetException Wrong(string name, string expected) =>
            new(Path, $"{Where} \"{name}\" must be {expected}, got {Describe(Object[name])}.");
    }
}
