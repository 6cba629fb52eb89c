using System.Text.Json;
using static TorchSharp.torch;
using PanGym.IO;

namespace PanGym.Backbone;

/// <summary>
/// Loads and saves Qwen2 models in Hugging Face's folder layout: <c>config.json</c>, the weights as one
/// <c>model.safetensors</c> or as shards listed by <c>model.safetensors.index.json</c>, and <c>tokenizer.json</c>
/// (+ <c>tokenizer_config.json</c>). Tensor names are the model's parameter names (see <see cref="Qwen2Model"/>).
/// </summary>
/// <remarks>
/// Loading checks every header first against the shapes config.json implies, and the model's size against this
/// machine's memory: a missing, unexpected, mis-shaped or non-floating-point tensor fails the load with one error that
/// lists them all, before the model is allocated or any weight is read. Then tensors are read one at a time and copied into the parameters,
/// so memory peaks at the model plus its largest tensor. With <c>tie_word_embeddings</c> true a stored
/// <c>lm_head.weight</c> is accepted only when it equals <c>model.embed_tokens.weight</c> (some exporters write the
/// tied matrix twice); transformers would silently ignore a different one, which hides a broken checkpoint, so it is
/// refused here.
/// </remarks>
public static class Qwen2Checkpoint
{
    /// <summary>The configuration file name.</summary>
    public const string ConfigFileName = "config.json";

    /// <summary>Shard size used by <see cref="Save"/> when none is given (transformers' historical default, 5 GB).</summary>
    public const long DefaultShardSizeBytes = 5_000_000_000;

    private const string EmbeddingName = "model.embed_tokens.weight";

    /// <summary>Loads the model, configuration and tokenizer of a Hugging Face Qwen2 folder.</summary>
    /// <param name="folder">The model folder.</param>
    /// <param name="dtype">Dtype to hold (and compute) the weights in; float32 when null, whatever <c>torch_dtype</c>
    /// says, because float32 compute is what agrees with a reference implementation to 1e-4.</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">config.json or the weights are missing.</exception>
    /// <exception cref="InvalidInputException">config.json is malformed or unsupported (names the field); tensors are
    /// missing, unexpected, mis-shaped or not floating point (lists them); the model does not fit in memory; or the
    /// tokenizer's vocabulary does not fit the model's.</exception>
    /// <exception cref="SafetensorsFormatException">A weight file is corrupt or truncated.</exception>
    public static LoadedQwen2Checkpoint Load(string folder, ScalarType? dtype = null)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"Qwen2 checkpoint folder not found: {folder}");
        var config = Qwen2Config.FromFile(Path.Combine(folder, ConfigFileName));
        var tokenizerPath = Path.Combine(folder, HuggingFaceTokenizer.TokenizerFileName);
        var tokenizer = File.Exists(tokenizerPath) ? HuggingFaceTokenizer.FromFolder(folder) : null;
        if (tokenizer is not null && tokenizer.VocabSize > config.VocabSize)
            throw new InvalidInputException(tokenizerPath, $"{tokenizerPath} has ids up to {tokenizer.VocabSize - 1}, beyond the model's vocab_size {config.VocabSize}.");

        using var weights = CheckpointWeightFiles.Open(folder);
        CheckTensorNamesAndShapes(folder, config, weights);
        var computeDtype = dtype ?? ScalarType.Float32;
        MemoryBudget.EnsureFits(config.ParameterCount * ElementSize(computeDtype), folder,
            $"The Qwen2 checkpoint in {folder} ({config.ParameterCount:N0} parameters in {TorchDtypeNames.ToName(computeDtype)})");
        var model = new Qwen2Model(config, dtype, initialize: false);
        try
        {
            var parameters = model.named_parameters().ToDictionary(entry => entry.name, entry => entry.parameter);
            CheckpointTensors.Load(folder, parameters, weights, config.TieWordEmbeddings ? EmbeddingName : null);
            model.eval();
            return new LoadedQwen2Checkpoint(model, config, tokenizer);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Writes <paramref name="model"/> into <paramref name="folder"/> in Hugging Face layout: config.json (its
    /// <c>torch_dtype</c> is the model's current dtype), the weights in that dtype as model.safetensors, or as
    /// model-0000i-of-0000n.safetensors shards plus model.safetensors.index.json when they exceed
    /// <paramref name="shardSizeBytes"/>, and the tokenizer files when a Hugging Face tokenizer is given.
    /// </summary>
    /// <remarks>
    /// Every file is written under a temporary name and renamed into place (weights first, config.json last), and
    /// weight files of the other layout left from an earlier save are removed, so a reader finds either the old or the
    /// new version of each file and never a half-written one.
    /// </remarks>
    /// <exception cref="ArgumentException">The tokenizer is not a <see cref="HuggingFaceTokenizer"/> (only that one has a tokenizer.json).</exception>
    public static void Save(Qwen2Model model, string folder, ITokenizer? tokenizer = null, long? shardSizeBytes = null)
    {
        var maxShardBytes = shardSizeBytes ?? DefaultShardSizeBytes;
        if (maxShardBytes <= 0) throw new ArgumentOutOfRangeException(nameof(shardSizeBytes), shardSizeBytes, "Shard size must be positive.");
        if (tokenizer is not (null or HuggingFaceTokenizer))
            throw new ArgumentException($"Only a {nameof(HuggingFaceTokenizer)} can be saved as tokenizer.json, got {tokenizer.GetType().Name}.", nameof(tokenizer));
        Directory.CreateDirectory(folder);

        var tensors = model.named_parameters().Select(entry => new KeyValuePair<string, Tensor>(entry.name, entry.parameter)).ToList();
        var shards = SplitIntoShards(tensors, maxShardBytes);
        var metadata = new Dictionary<string, string> { ["format"] = "pt" };
        var written = new HashSet<string>();
        if (shards.Count == 1)
        {
            SafetensorsWriter.Save(Path.Combine(folder, CheckpointWeightFiles.SingleFileName), shards[0], metadata);
            written.Add(CheckpointWeightFiles.SingleFileName);
        }
        else
        {
            var weightMap = new SortedDictionary<string, string>(StringComparer.Ordinal);
            for (var index = 0; index < shards.Count; index++)
            {
                var shardName = $"model-{index + 1:D5}-of-{shards.Count:D5}.safetensors";
                SafetensorsWriter.Save(Path.Combine(folder, shardName), shards[index], metadata);
                written.Add(shardName);
                foreach (var (name, _) in shards[index]) weightMap[name] = shardName;
            }
            var totalSize = tensors.Sum(entry => entry.Value.numel() * entry.Value.ElementSize);
            var indexJson = JsonSerializer.Serialize(new { metadata = new { total_size = totalSize }, weight_map = weightMap },
                new JsonSerializerOptions { WriteIndented = true });
            AtomicFile.WriteAllText(Path.Combine(folder, CheckpointWeightFiles.IndexFileName), indexJson);
            written.Add(CheckpointWeightFiles.IndexFileName);
        }
        RemoveStaleWeightFiles(folder, written);
        (tokenizer as HuggingFaceTokenizer)?.Save(folder);
        AtomicFile.WriteAllText(Path.Combine(folder, ConfigFileName), model.Config.WithTorchDtype(model.DType).ToJson());
    }

    /// <summary>Checks the stored tensors against the shapes <paramref name="config"/> implies, before the model exists.</summary>
    private static void CheckTensorNamesAndShapes(string folder, Qwen2Config config, CheckpointWeightFiles weights)
    {
        var expected = config.ParameterShapes().ToDictionary(entry => entry.Name, entry => entry.Shape);
        var problems = new List<string>();
        foreach (var (name, shape) in expected)
        {
            if (!weights.FileOfTensor.TryGetValue(name, out var file))
            {
                problems.Add($"missing {name} (expected shape {TensorShape.Format(shape)})");
                continue;
            }
            var info = file.Tensors[name];
            if (!info.Shape.SequenceEqual(shape))
                problems.Add($"mis-shaped {name}: expected {TensorShape.Format(shape)}, found {TensorShape.Format(info.Shape)} in {Path.GetFileName(file.Path)}");
            else if (!IsFloatingPoint(info.DType))
                problems.Add($"{name} has dtype {info.DType} in {Path.GetFileName(file.Path)}; expected a floating-point tensor");
        }
        foreach (var (name, file) in weights.FileOfTensor)
        {
            if (expected.ContainsKey(name)) continue;
            var info = file.Tensors[name];
            if (name == CheckpointTensors.HeadName && config.TieWordEmbeddings)
            {
                var embeddingShape = expected[EmbeddingName];
                if (!info.Shape.SequenceEqual(embeddingShape))
                    problems.Add($"mis-shaped {name} (tied to the embedding): expected {TensorShape.Format(embeddingShape)}, found {TensorShape.Format(info.Shape)} in {Path.GetFileName(file.Path)}");
                continue;
            }
            problems.Add($"unexpected {name} with shape {TensorShape.Format(info.Shape)} in {Path.GetFileName(file.Path)}");
        }
        if (problems.Count > 0)
            throw new InvalidInputException(folder, $"The checkpoint in {folder} does not match its config.json ({problems.Count} problem(s)):\n  " +
                string.Join("\n  ", problems.Take(MaxListedProblems)) + (problems.Count > MaxListedProblems ? $"\n  and {problems.Count - MaxListedProblems} more" : ""));
    }

    /// <summary>Problems listed in a mismatch error; the rest are counted.</summary>
    private const int MaxListedProblems = 10;

    /// <summary>Whether a stored tensor of <paramref name="dtype"/> can be copied into floating-point weights without losing meaning.</summary>
    internal static bool IsFloatingPoint(ScalarType dtype) => TorchDtypeNames.IsFloatingPoint(dtype) || dtype == ScalarType.Float64;

    private static long ElementSize(ScalarType dtype) => dtype == ScalarType.Float32 ? 4 : 2;

    private static List<List<KeyValuePair<string, Tensor>>> SplitIntoShards(List<KeyValuePair<string, Tensor>> tensors, long maxShardBytes)
    {
        var shards = new List<List<KeyValuePair<string, Tensor>>> { new() };
        long currentBytes = 0;
        foreach (var entry in tensors)
        {
            var bytes = entry.Value.numel() * entry.Value.ElementSize;
            if (currentBytes > 0 && currentBytes + bytes > maxShardBytes)
            {
                shards.Add([]);
                currentBytes = 0;
            }
            shards[^1].Add(entry);
            currentBytes += bytes;
        }
        return shards;
    }

    private static void RemoveStaleWeightFiles(string folder, HashSet<string> written)
    {
        var candidates = Directory.EnumerateFiles(folder, "model*.safetensors")
            .Append(Path.Combine(folder, CheckpointWeightFiles.IndexFileName))
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(name => name == CheckpointWeightFiles.SingleFileName || name == CheckpointWeightFiles.IndexFileName || IsShardName(name));
        foreach (var name in candidates.Where(name => !written.Contains(name)).Distinct()) File.Delete(Path.Combine(folder, name));
    }

    private static bool IsShardName(string name) =>
        System.Text.RegularExpressions.Regex.IsMatch(name, @"^model-\d{5}-of-\d{5}\.safetensors$");

}
