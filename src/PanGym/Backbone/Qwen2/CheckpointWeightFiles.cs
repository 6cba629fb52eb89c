using System.Text.Json;
using PanGym.IO;

namespace PanGym.Backbone;

/// <summary>
/// The safetensors files of a Hugging Face model folder, opened: either one <c>model.safetensors</c>, or the shards
/// named by <c>model.safetensors.index.json</c>'s <c>weight_map</c> (tensor name → shard file). Only headers are read
/// here; every tensor name is mapped to the file that holds it.
/// </summary>
internal sealed class CheckpointWeightFiles : IDisposable
{
    public const string SingleFileName = "model.safetensors";
    public const string IndexFileName = "model.safetensors.index.json";

    private readonly List<SafetensorsFile> _files;

    private CheckpointWeightFiles(List<SafetensorsFile> files, Dictionary<string, SafetensorsFile> fileOfTensor)
    {
        _files = files;
        FileOfTensor = fileOfTensor;
    }

    /// <summary>Every tensor in the checkpoint, with the open file that holds it.</summary>
    public IReadOnlyDictionary<string, SafetensorsFile> FileOfTensor { get; }

    /// <summary>Opens the weight files of <paramref name="folder"/>, preferring the sharded index when both exist.</summary>
    /// <exception cref="FileNotFoundException">Neither weight layout is there, or a shard the index names is missing.</exception>
    /// <exception cref="InvalidInputException">The index is malformed, or disagrees with the shards.</exception>
    /// <exception cref="SafetensorsFormatException">A weight file is corrupt or truncated.</exception>
    public static CheckpointWeightFiles Open(string folder)
    {
        var indexPath = Path.Combine(folder, IndexFileName);
        var singlePath = Path.Combine(folder, SingleFileName);
        if (File.Exists(indexPath)) return OpenSharded(folder, indexPath);
        if (File.Exists(singlePath)) return OpenFiles([singlePath], index: null);
        throw new FileNotFoundException($"No weights in {folder}: expected {SingleFileName} or {IndexFileName}.", singlePath);
    }

    public void Dispose()
    {
        foreach (var file in _files) file.Dispose();
    }

    private static CheckpointWeightFiles OpenSharded(string folder, string indexPath)
    {
        var weightMap = ReadWeightMap(indexPath);
        var shardPaths = weightMap.Values.Distinct().Select(shard => Path.Combine(folder, shard)).ToList();
        foreach (var shardPath in shardPaths)
        {
            if (!File.Exists(shardPath))
                throw new FileNotFoundException($"{indexPath} names shard {Path.GetFileName(shardPath)}, which is missing.", shardPath);
        }
        return OpenFiles(shardPaths, (indexPath, weightMap));
    }

    private static CheckpointWeightFiles OpenFiles(List<string> paths, (string Path, Dictionary<string, string> WeightMap)? index)
    {
        var files = new List<SafetensorsFile>();
        try
        {
            var fileOfTensor = new Dictionary<string, SafetensorsFile>();
            foreach (var path in paths)
            {
                var file = SafetensorsFile.Open(path);
                files.Add(file);
                foreach (var name in file.Tensors.Keys)
                {
                    if (fileOfTensor.TryGetValue(name, out var other))
                        throw new InvalidInputException(path, $"Tensor {name} is stored twice: in {Path.GetFileName(other.Path)} and in {Path.GetFileName(path)}.");
                    fileOfTensor[name] = file;
                }
            }
            if (index is var (indexPath, weightMap)) CheckIndexAgainstShards(indexPath, weightMap, fileOfTensor);
            return new CheckpointWeightFiles(files, fileOfTensor);
        }
        catch
        {
            foreach (var file in files) file.Dispose();
            throw;
        }
    }

    private static void CheckIndexAgainstShards(string indexPath, Dictionary<string, string> expected, Dictionary<string, SafetensorsFile> actual)
    {
        var problems = new List<string>();
        foreach (var (name, shard) in expected)
        {
            if (!actual.TryGetValue(name, out var file))
                problems.Add($"{name}: the index places it in {shard}, which does not hold it");
            else if (Path.GetFileName(file.Path) != shard)
                problems.Add($"{name}: the index places it in {shard}, but it is in {Path.GetFileName(file.Path)}");
        }
        problems.AddRange(actual.Keys.Where(name => !expected.ContainsKey(name))
            .Select(name => $"{name}: stored in {Path.GetFileName(actual[name].Path)} but missing from the index's weight_map"));
        if (problems.Count > 0)
            throw new InvalidInputException(indexPath, $"{indexPath} disagrees with its shards:\n  " + string.Join("\n  ", problems));
    }

    private static Dictionary<string, string> ReadWeightMap(string indexPath)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(indexPath));
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("weight_map", out var weightMap)
                || weightMap.ValueKind != JsonValueKind.Object)
                throw new InvalidInputException(indexPath, $"{indexPath} has no \"weight_map\" object.");
            var result = new Dictionary<string, string>();
            foreach (var entry in weightMap.EnumerateObject())
            {
                var shard = entry.Value.ValueKind == JsonValueKind.String ? entry.Value.GetString()! : "";
                if (shard.Length == 0 || Path.GetFileName(shard) != shard)
                    throw new InvalidInputException(indexPath, $"{indexPath}: weight_map entry {entry.Name} must name a file in the same folder, got {entry.Value.GetRawText()}.");
                result[entry.Name] = shard;
            }
            return result;
        }
        catch (JsonException e)
        {
            throw new InvalidInputException(indexPath, $"{indexPath} is not valid JSON: {e.Message}", e);
        }
    }
}
