using System.Text.Json.Nodes;

namespace PanGym.Data;

/// <summary>
/// One line of <c>episodes.jsonl</c>: an episode of <see cref="Steps"/> transitions whose frames o_0 … o_T lie in
/// <see cref="File"/> and whose actions a_0 … a_{T−1} are <see cref="Actions"/> (a_t takes o_t to o_{t+1}).
/// </summary>
public sealed record EpisodeRecord
{
    /// <summary>A record; validated here, so every record in a data set is consistent.</summary>
    /// <param name="id">The episode's name, unique in its data set, for example <c>"e000012"</c>.</param>
    /// <param name="file">The frames file, relative to the data set folder, with forward slashes.</param>
    /// <param name="steps">Transitions T (at least 1); the file holds T + 1 frames.</param>
    /// <param name="split">Train or validation.</param>
    /// <param name="actions">T action texts, none empty.</param>
    /// <param name="provenance">Free-form JSON saying where the episode came from (seed, source file, …); copied. Default: empty.</param>
    /// <exception cref="ArgumentException">A field breaks the rules above; the message names it.</exception>
    public EpisodeRecord(string id, string file, int steps, EpisodeSplit split, IReadOnlyList<string> actions, JsonObject? provenance = null)
    {
        ArgumentNullException.ThrowIfNull(actions);
        if (string.IsNullOrWhiteSpace(id)) throw new ArgumentException("The episode id is empty.");
        if (string.IsNullOrWhiteSpace(file)) throw new ArgumentException($"Episode {id}: the frames file name is empty.");
        if (Path.IsPathRooted(file) || file.Contains('\\') || file.Split('/').Any(part => part is "" or "." or ".."))
            throw new ArgumentException($"Episode {id}: the frames file \"{file}\" must be a relative path inside the data set folder, with forward slashes.");
        if (steps < 1) throw new ArgumentException($"Episode {id}: steps must be at least 1, got {steps}.");
        if (!Enum.IsDefined(split)) throw new ArgumentException($"Episode {id}: unknown split {split}.");
        if (actions.Count != steps)
            throw new ArgumentException($"Episode {id}: it has {steps} steps but {actions.Count} actions (one action per step is required).");
        for (int t = 0; t < actions.Count; t++)
            if (string.IsNullOrWhiteSpace(actions[t])) throw new ArgumentException($"Episode {id}: action {t} is empty.");
        (Id, File, Steps, Split) = (id, file, steps, split);
        Actions = [.. actions];
        Provenance = provenance is null ? new JsonObject() : provenance.DeepClone().AsObject();
    }

    /// <summary>The episode's name, unique in its data set.</summary>
    public string Id { get; }

    /// <summary>The frames file, relative to the data set folder.</summary>
    public string File { get; }

    /// <summary>Transitions T; the episode has T + 1 frames.</summary>
    public int Steps { get; }

    /// <summary>Train or validation.</summary>
    public EpisodeSplit Split { get; }

    /// <summary>The T action texts; a_t takes frame t to frame t + 1.</summary>
    public IReadOnlyList<string> Actions { get; }

    /// <summary>Where the episode came from (treat as read-only).</summary>
    public JsonObject Provenance { get; }

    /// <summary>Whether <paramref name="other"/> is the same record (actions by sequence, provenance as JSON values).</summary>
    public bool Equals(EpisodeRecord? other) =>
        other is not null && Id == other.Id && File == other.File && Steps == other.Steps && Split == other.Split
        && Actions.SequenceEqual(other.Actions) && JsonNode.DeepEquals(Provenance, other.Provenance);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Id, File, Steps, Split);
}
