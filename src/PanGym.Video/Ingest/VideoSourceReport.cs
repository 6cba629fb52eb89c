using System.Text.Json.Nodes;

namespace PanGym.Data.Video;

/// <summary>What the ingest did with one input: the video it probed, the cuts it found, the clips it kept and dropped (with reasons), or why it failed.</summary>
/// <param name="Path">The input's full path.</param>
/// <param name="Id">The file's id (<see cref="VideoSource.Id"/>).</param>
/// <param name="Succeeded">Whether the whole video was ingested. A video that failed part-way keeps the episodes written before the failure.</param>
/// <param name="Error">Why it failed (a clear message naming the file), or null.</param>
/// <param name="Video">What ffprobe said about it, or null when it could not be probed.</param>
/// <param name="FramesDecoded">Frames decoded at the ingest's rate.</param>
/// <param name="Cuts">Frame indices that start a new shot (the first shot starts at 0 and is not listed).</param>
/// <param name="ClipsKept">Clips written as episodes.</param>
/// <param name="StepsKept">Steps in those episodes.</param>
/// <param name="Dropped">Every clip left out, with its reason.</param>
/// <param name="Warnings">Things worth knowing that did not stop the ingest (for example fewer frames than the duration promised).</param>
/// <param name="Seconds">Wall-clock seconds spent on the video.</param>
public sealed record VideoSourceReport(
    string Path, string Id, bool Succeeded, string? Error, VideoSource? Video, int FramesDecoded, IReadOnlyList<int> Cuts,
    int ClipsKept, long StepsKept, IReadOnlyList<DroppedClip> Dropped, IReadOnlyList<string> Warnings, double Seconds)
{
    /// <summary>Shots found: one more than the cuts, when any frame was decoded.</summary>
    public int Shots => FramesDecoded == 0 ? 0 : Cuts.Count + 1;

    /// <summary>A report for an input that failed before any frame was decoded.</summary>
    public static VideoSourceReport Failure(string path, string id, string error, VideoSource? video = null) =>
        new(path, id, false, error, video, 0, [], 0, 0, [], [], 0);

    /// <summary>The report as JSON.</summary>
    public JsonObject ToJson() => new()
    {
        ["path"] = Path,
        ["id"] = Id,
        ["status"] = Succeeded ? "done" : "failed",
        ["error"] = Error,
        ["video"] = Video?.ToJson(),
        ["frames_decoded"] = FramesDecoded,
        ["shots"] = Shots,
        ["cuts"] = new JsonArray([.. Cuts.Select(c => JsonValue.Create(c))]),
        ["clips_kept"] = ClipsKept,
        ["steps_kept"] = StepsKept,
        ["dropped"] = new JsonArray([.. Dropped.Select(d => (JsonNode)d.ToJson())]),
        ["warnings"] = new JsonArray([.. Warnings.Select(w => JsonValue.Create(w))]),
        ["seconds"] = Math.Round(Seconds, 3),
    };

    /// <summary>Reads <see cref="ToJson"/>'s output back.</summary>
    /// <exception cref="FormatException">A field is missing or of the wrong kind.</exception>
    public static VideoSourceReport FromJson(JsonNode? node)
    {
        string status = JsonFields.Get<string>(node, "status");
        if (status is not ("done" or "failed")) throw new FormatException($"A video report's status is \"{status}\", expected \"done\" or \"failed\".");
        var video = node?["video"];
        return new VideoSourceReport(
            JsonFields.Get<string>(node, "path"), JsonFields.Get<string>(node, "id"), status == "done", JsonFields.GetOr<string?>(node, "error", null),
            video is null ? null : VideoSource.FromJson(video), JsonFields.Get<int>(node, "frames_decoded"),
            [.. JsonFields.Array(node, "cuts").Select(c => c is JsonValue v && v.TryGetValue(out int cut) ? cut : throw new FormatException($"A cut is not a frame index: {c?.ToJsonString()}."))],
            JsonFields.Get<int>(node, "clips_kept"), JsonFields.Get<long>(node, "steps_kept"),
            [.. JsonFields.Array(node, "dropped").Select(DroppedClip.FromJson)],
            [.. JsonFields.Array(node, "warnings").Select(w => w?.GetValue<string>() ?? "")],
            JsonFields.GetOr(node, "seconds", 0.0));
    }
}
