using System.Text.Json.Nodes;

namespace PanGym.Data.Video;

/// <summary>A clip of a video left out of the data set, and why (the ingest records every one).</summary>
/// <param name="Shot">Index of its shot in the video.</param>
/// <param name="StartFrame">Index of its first frame in the sampled stream.</param>
/// <param name="Steps">Its steps (frames − 1).</param>
/// <param name="StartTime">Seconds from the start of the video to its first frame.</param>
/// <param name="EndTime">Seconds from the start of the video to its last frame.</param>
/// <param name="Reason">Why it was dropped.</param>
/// <param name="Scores">What the filters measured (null for clips too short to measure).</param>
/// <param name="Detail">More words on the reason (the captioner's error, the clip it duplicates), or null.</param>
public sealed record DroppedClip(int Shot, int StartFrame, int Steps, double StartTime, double EndTime, ClipRejectionReason Reason, ClipScores? Scores, string? Detail)
{
    /// <summary>The record as JSON.</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["shot"] = Shot,
            ["start_frame"] = StartFrame,
            ["steps"] = Steps,
            ["start_time"] = Math.Round(StartTime, 3),
            ["end_time"] = Math.Round(EndTime, 3),
            ["reason"] = ClipRejectionReasons.Name(Reason),
        };
        if (Scores is not null) json["scores"] = Scores.ToJson();
        if (Detail is not null) json["detail"] = Detail;
        return json;
    }

    /// <summary>Reads <see cref="ToJson"/>'s output back (scores without hashes are kept as measured; hashes as stored).</summary>
    /// <exception cref="FormatException">A field is missing or of the wrong kind.</exception>
    public static DroppedClip FromJson(JsonNode? node)
    {
        var scores = node?["scores"];
        return new DroppedClip(
            JsonFields.Get<int>(node, "shot"), JsonFields.Get<int>(node, "start_frame"), JsonFields.Get<int>(node, "steps"),
            JsonFields.Get<double>(node, "start_time"), JsonFields.Get<double>(node, "end_time"),
            ClipRejectionReasons.Parse(JsonFields.Get<string>(node, "reason")),
            scores is null ? null : new ClipScores(JsonFields.Get<double>(scores, "brightness"), JsonFields.Get<double>(scores, "contrast"),
                JsonFields.Get<double>(scores, "motion"), ClipScores.HashesFromJson(scores)),
            JsonFields.GetOr<string?>(node, "detail", null));
    }
}
