using System.Text.Json;
using PanGym.Backbone;
using PanGym.IO;

namespace PanGym.WorldModel;

/// <summary>
/// Checks a world-model checkpoint's config.json against what its model.safetensors declares, before the model is built,
/// so that a config whose sizes were edited (a vocabulary of 2·10⁹, a million decoder chunks) is refused by name instead
/// of being allocated: every stored tensor is floating point; the backbone's tensors have exactly the shapes its Qwen2
/// config implies (<see cref="Qwen2Config.ParameterShapes"/>); each other part (encoder h, the dynamics' projections
/// and query slots, decoder g) needs about as many weights as the file holds for it; and the whole model fits in memory.
/// </summary>
/// <remarks>
/// The parts other than the backbone are sized by an estimate from their configs (<see cref="EstimateParts"/>), which
/// follows their modules closely but need not be exact: a part is refused when it would need more than
/// <see cref="Tolerance"/> times the weights stored for it. The exact name-by-name comparison follows once the model is
/// built, in <see cref="WorldModelCheckpoint.Load"/>. A Qwen2.5-VL world model gets the dtype check only: its parts are
/// sized by its vision-language config, which the estimates here do not follow.
/// </remarks>
internal static class WorldModelWeightsCheck
{
    /// <summary>Where the backbone's parameters sit in a world model's state dict.</summary>
    public const string BackbonePrefix = "dynamics.backbone.";

    /// <summary>How many times the stored weights a part's estimate may exceed before the config is refused.</summary>
    public const double Tolerance = 2;

    /// <summary>Weights a part may need beyond <see cref="Tolerance"/> times the stored ones (small parts vary most).</summary>
    const long SlackElements = 1 << 16;

    const long FloatBytes = sizeof(float);

    /// <summary>Throws <see cref="InvalidInputException"/> when the config at <paramref name="configPath"/> cannot describe <paramref name="weights"/>.</summary>
    public static void Check(WorldModelConfig config, SafetensorsFile weights, string configPath)
    {
        string weightsName = Path.GetFileName(weights.Path);
        var nonFloat = weights.Tensors.Values.Where(t => !Qwen2Checkpoint.IsFloatingPoint(t.DType)).ToList();
        if (nonFloat.Count > 0)
            throw new InvalidInputException(weights.Path,
                $"{weights.Path} holds tensors that are not floating point, where the world model's weights are: " +
                string.Join("; ", nonFloat.Take(5).Select(t => $"{t.Name} is {t.DType}")) + (nonFloat.Count > 5 ? $"; and {nonFloat.Count - 5} more" : "") + ".");

        if (config.VisionLanguage is not null) return;
        CheckBackbone(config, weights, configPath, weightsName);

        long total = config.Backbone.ParameterCount;
        foreach (var (part, prefix, estimate) in EstimateParts(config))
        {
            long stored = weights.Tensors.Values.Where(t => t.Name.StartsWith(prefix, StringComparison.Ordinal) && !t.Name.StartsWith(BackbonePrefix, StringComparison.Ordinal))
                .Sum(t => t.Shape.Aggregate(1L, (product, dim) => product * dim));
            if (estimate > Tolerance * stored + SlackElements)
                throw new InvalidInputException(configPath,
                    $"{configPath} does not match {weightsName}: its {part} ({PartSizes(config, part)}) needs about {MemoryBudget.Describe((double)estimate * FloatBytes)} " +
                    $"of weights, but {weightsName} holds {MemoryBudget.Describe((double)stored * FloatBytes)} for it; nothing was allocated.");
            total = Add(total, estimate);
        }
        MemoryBudget.EnsureFits(total > long.MaxValue / FloatBytes ? long.MaxValue : total * FloatBytes, configPath,
            $"The {config.Preset} world model of {configPath} ({total:N0} parameters in float32)");
    }

    /// <summary>
    /// The estimated parameter count of each part other than the backbone, with the state-dict prefix its weights share:
    /// the encoder, the dynamics' projections and query slots (its backbone excluded), and the decoder.
    /// </summary>
    public static IReadOnlyList<(string Part, string Prefix, long Elements)> EstimateParts(WorldModelConfig config) =>
    [
        ("encoder", "encoder.", Saturated(() => Encoder(config.Encoder))),
        ("dynamics", "dynamics.", Saturated(() => Dynamics(config.Dynamics, config.Backbone.HiddenSize))),
        ("decoder", "decoder.", Saturated(() => Decoder(config.Decoder))),
    ];

    static void CheckBackbone(WorldModelConfig config, SafetensorsFile weights, string configPath, string weightsName)
    {
        var expected = config.Backbone.ParameterShapes().ToDictionary(p => BackbonePrefix + p.Name, p => p.Shape);
        var problems = new List<string>();
        foreach (var (name, shape) in expected)
        {
            if (!weights.Tensors.TryGetValue(name, out var info)) problems.Add($"{name} {TensorShape.Format(shape)} is missing");
            else if (!info.Shape.SequenceEqual(shape)) problems.Add($"{name} is {TensorShape.Format(info.Shape)}, the config's backbone needs {TensorShape.Format(shape)}");
            if (problems.Count > 5) break;
        }
        problems.AddRange(weights.Tensors.Keys.Where(n => n.StartsWith(BackbonePrefix, StringComparison.Ordinal) && !expected.ContainsKey(n))
            .Take(5).Select(n => $"{n} is not a tensor of the config's backbone"));
        if (problems.Count > 0)
            throw new InvalidInputException(configPath,
                $"{configPath} does not match {weightsName}: {string.Join("; ", problems.Take(5))} (backbone: {config.Backbone}); nothing was allocated.");
    }

    static long Linear(long inputs, long outputs) => checked(inputs * outputs + outputs);

    static long LayerNorm(long width) => checked(2 * width);

    static long Block(long width, long contextWidth, long mlpRatio = 4) => checked(
        LayerNorm(width) + LayerNorm(contextWidth) + Linear(width, width) + Linear(contextWidth, 2 * width) + Linear(width, width)
        + LayerNorm(width) + Linear(width, mlpRatio * width) + Linear(mlpRatio * width, width));

    static long Encoder(EncoderConfig c)
    {
        long width = c.Width, side = c.ImageSize / c.PatchSize;
        return checked(3L * c.PatchSize * c.PatchSize * width + width + side * side * width + c.Depth * Block(width, width)
            + (long)c.LatentTokens * width + Block(width, width) + LayerNorm(width) + Linear(width, c.LatentWidth));
    }

    static long Dynamics(LatentDynamicsConfig c, long hidden) =>
        checked(Linear(c.LatentWidth, hidden) + Linear(hidden, c.LatentWidth) + c.LatentTokens * hidden);

    static long Decoder(FlowMatchingDecoderConfig c)
    {
        long width = c.Width, patchValues = (long)c.Channels * c.PatchSize * c.PatchSize, side = c.ImageSize / c.PatchSize;
        var (rows, columns) = EncoderConfig.GridFor(c.LatentTokens);
        long region = (long)c.Channels * (c.ImageSize / rows) * (c.ImageSize / columns);
        long block = checked(Linear(width, 3 * width) + Linear(width, width) + LayerNorm(width) + Linear(width, width) + Linear(width, 2 * width)
            + Linear(width, width) + Linear(width, c.MlpRatio * width) + Linear(c.MlpRatio * width, width) + Linear(width, 6 * width));
        return checked(Linear(patchValues, width) + Linear(9 * patchValues, width) + Linear(patchValues, width)
            + Linear(c.LatentWidth, 4L * c.LatentWidth) + Linear(4L * c.LatentWidth, region)
            + side * side * width + (long)c.MaxChunks * width + Linear(256, width) + Linear(width, width)
            + 2 * Linear(c.LatentWidth, width) + (long)c.LatentTokens * width + (long)c.LatentTokens * c.LatentWidth
            + c.Depth * block + Linear(width, 2 * width) + Linear(width, patchValues));
    }

    static long Saturated(Func<long> count)
    {
        try
        {
            return count();
        }
        catch (OverflowException)
        {
            return long.MaxValue;
        }
    }

    static long Add(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;

    static string PartSizes(WorldModelConfig config, string part)
    {
        object sizes = part switch { "encoder" => config.Encoder, "decoder" => config.Decoder, _ => config.Dynamics };
        return DisplayText.Escape(JsonSerializer.Serialize(sizes, sizes.GetType(), _snakeCase), 240);
    }

    static readonly JsonSerializerOptions _snakeCase = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

}
