using System.Text.Json;
using System.Text.Json.Nodes;
using PanGym.Data;
using PanGym.WorldModel;
using TorchSharp.Modules;
using PanGym.IO;

namespace PanGym.Training;

/// <summary>
/// A resumable training checkpoint in <c>&lt;out&gt;/checkpoint/</c>: <c>model/</c> (a <see cref="WorldModelCheckpoint"/>),
/// <c>optimizer.bin</c> (AdamW's moments and step counts, TorchSharp's format) and <c>trainer.json</c> (the step, the
/// schedule's length, the training config, the sampler's position, the random generators' states and the data set it
/// trained on). Written into <c>checkpoint.tmp/</c>, trainer.json last, then swapped in by two renames, the previous
/// checkpoint kept as <c>checkpoint.old/</c> until the new one is in place: a crash at any moment leaves one complete
/// checkpoint, which <see cref="Recover"/> finds.
/// </summary>
internal static class TrainingCheckpoint
{
    public const string OptimizerFileName = "optimizer.bin";
    public const string StateFileName = "trainer.json";
    const string FormatName = "pangym-training-checkpoint";
    const int FormatVersion = 1;

    /// <summary>Writes a checkpoint of the run in <paramref name="outFolder"/> and swaps it in.</summary>
    public static void Save(string outFolder, PanWorldModel model, AdamW optimizer, TrainingState state)
    {
        string staging = Path.Combine(outFolder, TrainingOutput.StagingFolderName);
        if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        Directory.CreateDirectory(staging);
        WorldModelCheckpoint.Save(model, Path.Combine(staging, TrainingOutput.ModelFolderName));
        using (var stream = new FileStream(Path.Combine(staging, OptimizerFileName), FileMode.CreateNew, FileAccess.Write))
        using (var writer = new BinaryWriter(stream))
        {
            optimizer.save_state_dict(writer);
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }
        AtomicFile.WriteAllText(Path.Combine(staging, StateFileName), state.ToJson().ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

        string current = TrainingOutput.CheckpointFolder(outFolder);
        string previous = Path.Combine(outFolder, TrainingOutput.PreviousFolderName);
        if (Directory.Exists(previous)) Directory.Delete(previous, recursive: true);
        if (Directory.Exists(current)) Directory.Move(current, previous);
        Directory.Move(staging, current);
        if (Directory.Exists(previous)) Directory.Delete(previous, recursive: true);
    }

    /// <summary>
    /// Puts the output folder back into a clean state after a crash: a checkpoint caught between its two renames is
    /// rolled back to the previous complete one, and an unfinished <c>checkpoint.tmp/</c> is removed.
    /// </summary>
    /// <returns>Whether a complete checkpoint is there.</returns>
    public static bool Recover(string outFolder)
    {
        string current = TrainingOutput.CheckpointFolder(outFolder);
        string previous = Path.Combine(outFolder, TrainingOutput.PreviousFolderName);
        string staging = Path.Combine(outFolder, TrainingOutput.StagingFolderName);
        if (!Directory.Exists(current) && Directory.Exists(previous)) Directory.Move(previous, current);
        if (Directory.Exists(previous)) Directory.Delete(previous, recursive: true);
        if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        return Directory.Exists(current);
    }

    /// <summary>Reads the state of the checkpoint in <paramref name="outFolder"/> (the model and optimizer are read by the caller).</summary>
    /// <exception cref="InvalidInputException">trainer.json is missing or malformed.</exception>
    public static TrainingState ReadState(string outFolder)
    {
        string path = Path.Combine(TrainingOutput.CheckpointFolder(outFolder), StateFileName);
        if (!File.Exists(path)) throw new InvalidInputException(path, $"The checkpoint in {Path.GetDirectoryName(path)} is incomplete: {StateFileName} is missing.");
        try
        {
            var node = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new FormatException("the JSON is not an object");
            if ((string?)node["format"] != FormatName) throw new FormatException($"\"format\" is \"{node["format"]}\", expected \"{FormatName}\"");
            if ((int?)node["version"] != FormatVersion) throw new FormatException($"\"version\" is {node["version"]?.ToJsonString() ?? "missing"}, this code reads {FormatVersion}");
            return TrainingState.FromJson(node, path);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or ArgumentException)
        {
            throw new InvalidInputException(path, $"{path}: not a valid training checkpoint state: {e.Message}", e);
        }
    }

    /// <summary>Restores <paramref name="optimizer"/> from the checkpoint in <paramref name="outFolder"/>.</summary>
    /// <exception cref="InvalidInputException">optimizer.bin is missing, is not an AdamW state, or does not fit the optimizer.</exception>
    public static void LoadOptimizer(string outFolder, AdamW optimizer)
    {
        string path = Path.Combine(TrainingOutput.CheckpointFolder(outFolder), OptimizerFileName);
        if (!File.Exists(path)) throw new InvalidInputException(path, $"The checkpoint in {Path.GetDirectoryName(path)} is incomplete: {OptimizerFileName} is missing.");
        try
        {
            using var stream = File.OpenRead(path);
            using var reader = new BinaryReader(stream);
            optimizer.load_state_dict(reader);
            if (stream.Position != stream.Length)
                throw new InvalidDataException($"{stream.Length - stream.Position} bytes follow the optimizer state");
        }
        catch (Exception e)
        {
            // TorchSharp's reader quotes whatever it found (binary, for a garbage file) and may fail in any way on a
            // corrupt length: the message names the file and keeps only the kind of failure.
            throw new InvalidInputException(path,
                $"{path} is not an AdamW optimizer state that fits the model's trainable parameters ({e.GetType().Name}: {DisplayText.Escape(e.Message, 120)}); " +
                "the checkpoint is damaged.", e);
        }
    }

    internal static JsonObject Header() => new() { ["format"] = FormatName, ["version"] = FormatVersion };

    internal static EpisodeWindowSamplerState ReadSampler(JsonNode? node) => new(
        Required<int>(node, "seed"), Required<long>(node, "epoch"), Required<long>(node, "index"));

    internal static T Required<T>(JsonNode? node, string key) =>
        node?[key] is JsonValue value && value.TryGetValue(out T? result) && result is not null
            ? result
            : throw new FormatException($"\"{key}\" is missing or not a {typeof(T).Name}");
}
