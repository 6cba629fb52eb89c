using PanGym.Training;
using PanGym.WorldModel;

namespace PanGym.Evaluation;

/// <summary>
/// Finds the world model to evaluate in a folder a user names: a <see cref="WorldModelCheckpoint"/> folder itself, a
/// training run's output folder (its <c>checkpoint/model</c>), or a training checkpoint folder (its <c>model</c>).
/// </summary>
public static class CheckpointLocator
{
    /// <summary>The world-model checkpoint folder that <paramref name="folder"/> names or holds.</summary>
    /// <exception cref="IOException">The path is a file.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">It holds no world-model checkpoint (the message lists where it looked).</exception>
    public static string Resolve(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        string full = Path.GetFullPath(folder);
        if (File.Exists(full)) throw new IOException($"The checkpoint {full} is a file; give a world-model checkpoint folder or a training output folder.");
        if (!Directory.Exists(full)) throw new DirectoryNotFoundException($"No checkpoint at {full}: the folder does not exist.");
        string[] candidates = [full, TrainingOutput.ModelFolder(full), Path.Combine(full, TrainingOutput.ModelFolderName)];
        return candidates.FirstOrDefault(c => File.Exists(Path.Combine(c, WorldModelCheckpoint.ConfigFileName)))
            ?? throw new FileNotFoundException(
                $"{full} is neither a world-model checkpoint (no {WorldModelCheckpoint.ConfigFileName}) nor a training output folder " +
                $"(no {Path.Combine(TrainingOutput.CheckpointFolderName, TrainingOutput.ModelFolderName, WorldModelCheckpoint.ConfigFileName)}).");
    }

    /// <summary>Loads the world model that <paramref name="folder"/> names or holds (see <see cref="Resolve"/>).</summary>
    /// <exception cref="InvalidInputException">The checkpoint's weights do not match its config.</exception>
    public static PanWorldModel Load(string folder) => WorldModelCheckpoint.Load(Resolve(folder));
}
