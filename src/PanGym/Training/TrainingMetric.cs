using System.Text.Json;
using System.Text.Json.Serialization;

namespace PanGym.Training;

/// <summary>
/// One line of <c>metrics.jsonl</c>: the mean training losses over the steps since the previous line (kind
/// <see cref="TrainKind"/>), or the validation losses at a step (kind <see cref="ValidationKind"/>). Losses are the terms
/// of <see cref="WorldModel.WorldModelLoss"/>; the learning rate, gradient norm (before clipping) and rate are those of
/// training lines only.
/// </summary>
/// <param name="Kind"><see cref="TrainKind"/> or <see cref="ValidationKind"/>.</param>
/// <param name="Step">Optimizer steps taken when the line was written.</param>
/// <param name="Loss">Total loss.</param>
/// <param name="Flow">Flow-matching loss.</param>
/// <param name="Latent">Auxiliary latent loss.</param>
/// <param name="Lr">Learning rate of the last step.</param>
/// <param name="GradNorm">Mean global gradient norm before clipping.</param>
/// <param name="SamplesPerSecond">Windows trained per second over these steps.</param>
/// <param name="Elapsed">Seconds of training so far (summed over resumed sessions).</param>
/// <param name="Reconstruction">The encoder's reconstruction loss (absent in logs written before it was measured).</param>
/// <param name="Painted">The painted-prediction loss (absent in logs written before it was measured).</param>
public sealed record TrainingMetric(string Kind, long Step, double Loss, double Flow, double Latent,
    double? Lr, double? GradNorm, double? SamplesPerSecond, double Elapsed, double? Reconstruction = null, double? Painted = null)
{
    /// <summary>The kind of a training line.</summary>
    public const string TrainKind = "train";

    /// <summary>The kind of a validation line.</summary>
    public const string ValidationKind = "validation";

    /// <summary>The line as compact JSON with snake_case keys (<c>samples_per_second</c>, <c>grad_norm</c>); validation lines leave out the training-only fields.</summary>
    public string ToJsonLine() => JsonSerializer.Serialize(this, _jsonOptions);

    /// <summary>Parses one line written by <see cref="ToJsonLine"/>.</summary>
    /// <exception cref="InvalidDataException">Not a metrics line.</exception>
    public static TrainingMetric Parse(string line)
    {
        try
        {
            var metric = JsonSerializer.Deserialize<TrainingMetric>(line, _jsonOptions) ?? throw new JsonException("the line is null");
            return metric.Kind is TrainKind or ValidationKind ? metric : throw new JsonException($"unknown kind \"{metric.Kind}\"");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Not a metrics line ({e.Message}): {line}", e);
        }
    }

    /// <summary>Reads every complete line of a metrics file (a torn last line, left by a crash, is skipped).</summary>
    /// <exception cref="InvalidInputException">A complete line that is not a metrics line; the message names the file and line.</exception>
    public static IReadOnlyList<TrainingMetric> ReadFile(string path)
    {
        string text = File.ReadAllText(path);
        var lines = text.Split('\n');
        var metrics = new List<TrainingMetric>(lines.Length);
        for (int i = 0; i < lines.Length - 1; i++)
        {
            if (lines[i].Length == 0) continue;
            try
            {
                metrics.Add(Parse(lines[i]));
            }
            catch (InvalidDataException e)
            {
                throw new InvalidInputException(path, $"{path}, line {i + 1}: {e.Message}", e);
            }
        }
        return metrics;
    }

    static readonly JsonSerializerOptions _jsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
}
