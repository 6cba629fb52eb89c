using PanGym.Data;
using PanGym.WorldModel;

namespace PanGym.Training;

/// <summary>The checks a <see cref="Trainer"/> makes on a data set before its first step.</summary>
internal static class TrainingDataCheck
{
    /// <summary>The body of <see cref="Trainer.VerifyData"/>: every episode's frames file, then every distinct action.</summary>
    /// <exception cref="EpisodeDatasetException">The first episode at fault, named with its file or action.</exception>
    public static void VerifyData(PanWorldModel model, EpisodeDataset dataset)
    {
        dataset.VerifyEpisodeFiles();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var episode in dataset.Episodes)
            foreach (string action in episode.Actions)
            {
                if (!seen.Add(action)) continue;
                try
                {
                    model.Dynamics.CheckAction(action);
                }
                catch (ArgumentException e)
                {
                    string path = Path.Combine(dataset.Folder, EpisodeDatasetJson.HeaderFile);
                    throw new EpisodeDatasetException(path, $"Episode {episode.Id} of the data set at {dataset.Folder}: {e.Message}", e);
                }
            }
    }

    /// <summary>Checks that <paramref name="dataset"/>'s frames are the size <paramref name="config"/> takes (<paramref name="what"/> names the model).</summary>
    /// <exception cref="ArgumentException">They are not.</exception>
    public static void CheckFrameSize(WorldModelConfig config, EpisodeDataset dataset, string what)
    {
        var info = dataset.Info;
        if (info.FrameHeight != config.ImageSize || info.FrameWidth != config.ImageSize)
            throw new ArgumentException(
                $"The data set at {dataset.Folder} has {info.FrameHeight}×{info.FrameWidth} frames, but {what} ({config.Preset} preset) takes " +
                $"{config.ImageSize}×{config.ImageSize} frames.", nameof(dataset));
    }
}
