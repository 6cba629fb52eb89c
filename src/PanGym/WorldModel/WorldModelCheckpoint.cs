using PanGym.Backbone;
using static TorchSharp.torch;
using PanGym.IO;

namespace PanGym.WorldModel;

/// <summary>
/// Saves and loads a whole <see cref="PanWorldModel"/> as a folder: <c>config.json</c> (the <see cref="WorldModelConfig"/>:
/// preset, sizes, tokenizer), <c>model.safetensors</c> (every weight under its module path, for example
/// <c>dynamics.backbone.model.layers.0.self_attn.q_proj.weight</c>) and, for a Hugging Face tokenizer, its
/// <c>tokenizer.json</c>. Each file is written under a temporary name and renamed, weights first. Loading checks the
/// config against the weights file's header before building the model (<see cref="WorldModelWeightsCheck"/>: dtypes,
/// the backbone's shapes, each part's size, the memory it needs), then every tensor's name and shape before copying any
/// value, so a mismatched file is refused with an error that names the mismatch; a loaded model gives bit-identical
/// outputs.
/// </summary>
public static class WorldModelCheckpoint
{
    /// <summary>The config file's name.</summary>
    public const string ConfigFileName = "config.json";

    /// <summary>The weights file's name.</summary>
    public const string WeightsFileName = "model.safetensors";

    /// <summary>Writes <paramref name="model"/> into <paramref name="folder"/> (created when missing).</summary>
    public static void Save(PanWorldModel model, string folder)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        if (File.Exists(folder)) throw new IOException($"Cannot save the world model into \"{folder}\": it is a file.");
        Directory.CreateDirectory(folder);
        using (var scope = NewDisposeScope())
        {
            var weights = model.state_dict().Select(kv => KeyValuePair.Create(kv.Key, kv.Value.detach()));
            SafetensorsWriter.Save(Path.Combine(folder, WeightsFileName), weights,
                new Dictionary<string, string> { ["format"] = WorldModelConfig.FormatName, ["preset"] = model.Config.Preset });
        }
        if (model.Tokenizer is HuggingFaceTokenizer tokenizer) tokenizer.Save(folder);
        AtomicFile.WriteAllText(Path.Combine(folder, ConfigFileName), model.Config.ToJson());
    }

    /// <summary>Reads a world model saved by <see cref="Save"/>.</summary>
    /// <exception cref="DirectoryNotFoundException">No such folder.</exception>
    /// <exception cref="FileNotFoundException">The config or weights file is missing.</exception>
    /// <exception cref="InvalidInputException">The config is invalid, the weights do not match it (names, shapes or dtypes
    /// listed), or the model would not fit in memory; nothing large is allocated before this is known.</exception>
    public static PanWorldModel Load(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"No world-model checkpoint at \"{folder}\": the folder does not exist.");
        var configPath = Path.Combine(folder, ConfigFileName);
        var weightsPath = Path.Combine(folder, WeightsFileName);
        if (!File.Exists(configPath)) throw new FileNotFoundException($"\"{folder}\" is not a world-model checkpoint: {ConfigFileName} is missing.", configPath);
        if (!File.Exists(weightsPath)) throw new FileNotFoundException($"The world-model checkpoint \"{folder}\" has no {WeightsFileName}.", weightsPath);
        var config = WorldModelConfig.FromJson(File.ReadAllText(configPath), configPath);
        ITokenizer tokenizer = config.Tokenizer == WorldModelConfig.HuggingFaceTokenizerName ? HuggingFaceTokenizer.FromFolder(folder) : new ByteTokenizer();
        using var weights = SafetensorsFile.Open(weightsPath);
        WorldModelWeightsCheck.Check(config, weights, configPath);
        var model = Build(config, tokenizer, folder);
        var expected = model.state_dict();
        var problems = new List<string>();
        foreach (var (name, tensor) in expected)
        {
            if (!weights.Tensors.TryGetValue(name, out var info)) problems.Add($"missing tensor {name} {TensorShape.Format(tensor.shape)}");
            else if (!info.Shape.SequenceEqual(tensor.shape)) problems.Add($"tensor {name} has shape {TensorShape.Format(info.Shape)}, the config needs {TensorShape.Format(tensor.shape)}");
        }
        problems.AddRange(weights.Tensors.Keys.Where(name => !expected.ContainsKey(name)).Select(name => $"unexpected tensor {name}"));
        if (problems.Count > 0)
        {
            model.Dispose();
            throw new InvalidInputException(weightsPath, $"{weightsPath} does not match the {config.Preset} world model in {ConfigFileName}: {string.Join("; ", problems.Take(10))}{(problems.Count > 10 ? $"; and {problems.Count - 10} more" : "")}.");
        }
        using (no_grad())
            foreach (var (name, tensor) in expected)
            {
                using var stored = weights.Read(name);
                tensor.copy_(stored);
            }
        return model;
    }

    /// <summary>The model of <paramref name="config"/>; parts that do not fit together (a tokenizer the backbone cannot embed) are refused as input.</summary>
    static PanWorldModel Build(WorldModelConfig config, ITokenizer tokenizer, string folder)
    {
        IDisposable? backbone = null;
        try
        {
            if (config.VisionLanguage is { } visionLanguage)
            {
                var visionLanguageBackbone = new PanGym.Backbone.Qwen25VL.Qwen25VLModel(visionLanguage, dtype: null, initialize: false);
                backbone = visionLanguageBackbone;
                return new PanWorldModel(config, visionLanguageBackbone, tokenizer);
            }
            var textBackbone = new Qwen2Model(config.Backbone);
            backbone = textBackbone;
            return new PanWorldModel(config, textBackbone, tokenizer);
        }
        catch (ArgumentException e)
        {
            backbone?.Dispose();
            throw new InvalidInputException(folder, $"The world-model checkpoint \"{folder}\" cannot be built: {e.Message}", e);
        }
    }

}
