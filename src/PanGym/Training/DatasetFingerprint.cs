using System.Text.Json.Nodes;
using PanGym.Data;

namespace PanGym.Training;

/// <summary>
/// What a checkpoint remembers of the data set it trained on, so that a resume on another data set (which would draw
/// other batches) is refused: frame size and the episode and step counts of each split.
/// </summary>
internal sealed record DatasetFingerprint(string Folder, int FrameHeight, int FrameWidth, int TrainEpisodes, long TrainSteps, int ValidationEpisodes, long ValidationSteps)
{
    public static DatasetFingerprint Of(EpisodeDataset dataset)
    {
        var train = dataset.EpisodesIn(EpisodeSplit.Train);
        var validation = dataset.EpisodesIn(EpisodeSplit.Validation);
        return new(dataset.Folder, dataset.Info.FrameHeight, dataset.Info.FrameWidth,
            train.Count, train.Sum(e => (long)e.Steps), validation.Count, validation.Sum(e => (long)e.Steps));
    }

    /// <summary>Whether <paramref name="other"/> would give the same batches (the folder may have moved).</summary>
    public bool SameData(DatasetFingerprint other) => this with { Folder = other.Folder } == other;

    public string Describe() =>
        $"{FrameHeight}×{FrameWidth} frames, {TrainEpisodes} training episodes ({TrainSteps} steps), {ValidationEpisodes} validation episodes ({ValidationSteps} steps)";

    public JsonObject ToJson() => new()
    {
        ["folder"] = Folder,
        ["frame_height"] = FrameHeight,
        ["frame_width"] = FrameWidth,
        ["train_episodes"] = TrainEpisodes,
        ["train_steps"] = TrainSteps,
        ["validation_episodes"] = ValidationEpisodes,
        ["validation_steps"] = ValidationSteps,
    };

    public static DatasetFingerprint FromJson(JsonNode? node) => new(
        TrainingCheckpoint.Required<string>(node, "folder"),
        TrainingCheckpoint.Required<int>(node, "frame_height"),
        TrainingCheckpoint.Required<int>(node, "frame_width"),
        TrainingCheckpoint.Required<int>(node, "train_episodes"),
        TrainingCheckpoint.Required<long>(node, "train_steps"),
        TrainingCheckpoint.Required<int>(node, "validation_episodes"),
        TrainingCheckpoint.Required<long>(node, "validation_steps"));
}
