using TorchSharp.Modules;
using static TorchSharp.torch;

namespace PanGym.Backbone;

/// <summary>
/// The checks and the copy that every Hugging Face checkpoint loader runs on a model's parameters (keyed by their names
/// in the checkpoint): every header is compared first — a missing, unexpected, mis-shaped or non-float tensor fails the
/// load with one error listing them all — and only then are tensors read, one at a time, so memory peaks at the model
/// plus its largest tensor. A stored <c>lm_head.weight</c> of a model with tied embeddings is accepted only when it
/// equals the embedding (transformers would silently ignore a different one, which hides a broken checkpoint).
/// </summary>
internal static class CheckpointTensors
{
    /// <summary>The output head's name in every layout.</summary>
    public const string HeadName = "lm_head.weight";

    /// <summary>
    /// Checks names, shapes and dtypes, copies every tensor into its parameter, and checks a stored tied head.
    /// <paramref name="tiedEmbeddingName"/> is the embedding's checkpoint name when the head is tied, null otherwise.
    /// </summary>
    /// <exception cref="InvalidInputException">The tensors do not match (all problems listed), or a tied head differs from the embedding.</exception>
    public static void Load(string folder, IReadOnlyDictionary<string, Parameter> parameters, CheckpointWeightFiles weights, string? tiedEmbeddingName)
    {
        CheckNamesAndShapes(folder, parameters, weights, tiedEmbeddingName);
        using (no_grad())
        {
            foreach (var (name, parameter) in parameters)
            {
                using var scope = NewDisposeScope();
                parameter.copy_(weights.FileOfTensor[name].Read(name));
            }
            if (tiedEmbeddingName is not null && weights.FileOfTensor.ContainsKey(HeadName))
                CheckTiedHeadEqualsEmbedding(weights, parameters[tiedEmbeddingName], tiedEmbeddingName);
        }
    }

    private static void CheckNamesAndShapes(string folder, IReadOnlyDictionary<string, Parameter> parameters, CheckpointWeightFiles weights, string? tiedEmbeddingName)
    {
        var problems = new List<string>();
        foreach (var (name, parameter) in parameters)
        {
            if (!weights.FileOfTensor.TryGetValue(name, out var file))
            {
                problems.Add($"missing {name} (expected shape {TensorShape.Format(parameter.shape)})");
                continue;
            }
            var info = file.Tensors[name];
            if (!info.Shape.SequenceEqual(parameter.shape))
                problems.Add($"mis-shaped {name}: expected {TensorShape.Format(parameter.shape)}, found {TensorShape.Format(info.Shape)} in {Path.GetFileName(file.Path)}");
            else if (!TorchDtypeNames.IsFloatingPoint(info.DType) && info.DType != ScalarType.Float64)
                problems.Add($"{name} has dtype {info.DType} in {Path.GetFileName(file.Path)}; expected a floating-point tensor");
        }
        foreach (var (name, file) in weights.FileOfTensor)
        {
            if (parameters.ContainsKey(name)) continue;
            var info = file.Tensors[name];
            if (name == HeadName && tiedEmbeddingName is not null)
            {
                var embeddingShape = parameters[tiedEmbeddingName].shape;
                if (!info.Shape.SequenceEqual(embeddingShape))
                    problems.Add($"mis-shaped {name} (tied to the embedding): expected {TensorShape.Format(embeddingShape)}, found {TensorShape.Format(info.Shape)} in {Path.GetFileName(file.Path)}");
                continue;
            }
            problems.Add($"unexpected {name} with shape {TensorShape.Format(info.Shape)} in {Path.GetFileName(file.Path)}");
        }
        if (problems.Count > 0)
            throw new InvalidInputException(folder, $"The checkpoint in {folder} does not match its config.json ({problems.Count} problem(s)):\n  " + string.Join("\n  ", problems));
    }

    private static void CheckTiedHeadEqualsEmbedding(CheckpointWeightFiles weights, Tensor embedding, string embeddingName)
    {
        using var scope = NewDisposeScope();
        var head = weights.FileOfTensor[HeadName].Read(HeadName).to(embedding.dtype);
        if (!head.eq(embedding).all().item<bool>())
            throw new InvalidInputException(weights.FileOfTensor[HeadName].Path, $"{HeadName} is stored and differs from {embeddingName}, but tie_word_embeddings is true: set tie_word_embeddings to false in config.json, or remove {HeadName}.");
    }

}
