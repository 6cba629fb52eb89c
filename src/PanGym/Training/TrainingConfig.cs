using System.Text.Json;
using System.Text.Json.Serialization;

namespace PanGym.Training;

/// <summary>
/// How the <see cref="Trainer"/> fits a world model: the batches, the AdamW optimizer and its warm-up + cosine schedule,
/// gradient clipping, how long to train, and how often to validate, checkpoint and log. Validated once, at construction.
/// </summary>
/// <remarks>
/// The optimizer defaults follow nanoGPT (Karpathy, https://github.com/karpathy/nanoGPT): its small character-level
/// transformer recipe (<c>config/train_shakespeare_char.py</c>: learning rate 1e-3, β₂ = 0.99, 100 warm-up steps,
/// a cosine floor at a tenth of the peak, validation every 250 steps) and its <c>train.py</c> defaults (weight decay
/// 0.1 on matrices only, β₁ = 0.9, gradients clipped to norm 1.0, a log line every 10 steps). The batch (8 windows of
/// 4 actions) is sized for a CPU; 4 actions give the dynamics a history to read (PAN §3.2).
/// </remarks>
public sealed record TrainingConfig
{
    /// <summary>The most minutes a budget may have: what a <see cref="TimeSpan"/> holds, rounded down (about 29,000 years).</summary>
    public const double MaxBudgetMinutes = 1.5e10;

    /// <summary>A wall-clock budget of <paramref name="minutes"/>, refused unless it is positive, finite and within <see cref="MaxBudgetMinutes"/>.</summary>
    /// <exception cref="ArgumentException">The number is out of that range.</exception>
    public static TimeSpan BudgetFromMinutes(double minutes, string name = "minutes")
    {
        if (!(minutes > 0 && minutes <= MaxBudgetMinutes))
            throw new ArgumentException($"{name} must be a positive number of minutes up to {MaxBudgetMinutes:g3}; got {minutes.ToString(System.Globalization.CultureInfo.InvariantCulture)}.", nameof(minutes));
        return TimeSpan.FromMinutes(minutes);
    }

    /// <summary>Creates and validates a configuration; give <paramref name="maxSteps"/>, <paramref name="budget"/> or both.</summary>
    /// <param name="maxSteps">Optimizer steps to train; with a budget too, training stops at whichever comes first.</param>
    /// <param name="budget">Wall-clock time to train (summed over resumed sessions).</param>
    /// <param name="batchSize">Windows per batch (B).</param>
    /// <param name="windowSteps">Actions per window (L): the dynamics reads up to L states of history.</param>
    /// <param name="learningRate">Peak learning rate, reached at the end of warm-up.</param>
    /// <param name="weightDecay">AdamW's decoupled weight decay (Loshchilov &amp; Hutter 2019), on weight matrices only.</param>
    /// <param name="beta1">AdamW's first-moment decay.</param>
    /// <param name="beta2">AdamW's second-moment decay.</param>
    /// <param name="epsilon">AdamW's denominator term.</param>
    /// <param name="warmupSteps">Steps of linear warm-up from near zero to the peak.</param>
    /// <param name="minLearningRateRatio">The cosine's floor as a share of the peak, in [0, 1].</param>
    /// <param name="gradientClipNorm">Gradients are rescaled so that their global L2 norm is at most this.</param>
    /// <param name="validateEvery">Steps between validations (also one before the first step).</param>
    /// <param name="validationBatches">Batches of the validation split averaged per validation.</param>
    /// <param name="checkpointEvery">Steps between checkpoints (and one when training stops).</param>
    /// <param name="logEvery">Steps between metric lines (each the mean over those steps).</param>
    /// <param name="seed">Fixes the window order and the flow-matching noise (the model's initialisation has its own seed).</param>
    /// <param name="selfForcingFraction">
    /// Share of steps, in [0, 1], on which the dynamics reads its own predicted states as history instead of the true
    /// encodings (detached), so that it learns to continue from its own drift as it must at inference.
    /// </param>
    /// <param name="calibrationSteps">With a time budget: steps timed before the schedule's length is first estimated (it is then
    /// re-estimated every 50 steps, capped by the step count when there is one).</param>
    /// <exception cref="ArgumentException">Neither budget given, a budget or step count of zero or less, or a value out of range.</exception>
    public TrainingConfig(long? maxSteps = null, TimeSpan? budget = null, int batchSize = 8, int windowSteps = 4,
        double learningRate = 1e-3, double weightDecay = 0.1, double beta1 = 0.9, double beta2 = 0.99, double epsilon = 1e-8,
        int warmupSteps = 100, double minLearningRateRatio = 0.1, double gradientClipNorm = 1.0,
        int validateEvery = 250, int validationBatches = 4, int checkpointEvery = 500, int logEvery = 10,
        int seed = 0, double selfForcingFraction = 0, int calibrationSteps = 10)
    {
        if (maxSteps is null && budget is null)
            throw new ArgumentException("No training budget: give a step count (maxSteps), a wall-clock budget, or both.");
        if (maxSteps is <= 0)
            throw new ArgumentException($"A budget of zero or less steps cannot train: maxSteps is {maxSteps}; give at least 1.", nameof(maxSteps));
        if (budget is { } time && time <= TimeSpan.Zero)
            throw new ArgumentException($"A budget of zero or less time cannot train: the wall-clock budget is {time}; give more than zero.", nameof(budget));
        Positive(batchSize, nameof(batchSize));
        Positive(windowSteps, nameof(windowSteps));
        Positive(validateEvery, nameof(validateEvery));
        Positive(checkpointEvery, nameof(checkpointEvery));
        Positive(logEvery, nameof(logEvery));
        Positive(calibrationSteps, nameof(calibrationSteps));
        ArgumentOutOfRangeException.ThrowIfNegative(validationBatches);
        ArgumentOutOfRangeException.ThrowIfNegative(warmupSteps);
        if (!(learningRate > 0 && double.IsFinite(learningRate))) throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "The learning rate must be positive and finite.");
        if (!(weightDecay >= 0 && double.IsFinite(weightDecay))) throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "The weight decay must be non-negative and finite.");
        if (!(beta1 >= 0 && beta1 < 1)) throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "β₁ must lie in [0, 1).");
        if (!(beta2 >= 0 && beta2 < 1)) throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "β₂ must lie in [0, 1).");
        if (!(epsilon > 0)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "ε must be positive.");
        if (!(minLearningRateRatio >= 0 && minLearningRateRatio <= 1))
            throw new ArgumentOutOfRangeException(nameof(minLearningRateRatio), minLearningRateRatio, "The cosine floor is a share of the peak learning rate, in [0, 1].");
        if (!(gradientClipNorm > 0)) throw new ArgumentOutOfRangeException(nameof(gradientClipNorm), gradientClipNorm, "The gradient clip norm must be positive.");
        if (!(selfForcingFraction >= 0 && selfForcingFraction <= 1))
            throw new ArgumentOutOfRangeException(nameof(selfForcingFraction), selfForcingFraction, "The self-forcing fraction is a share of steps, in [0, 1].");
        (MaxSteps, Budget, BatchSize, WindowSteps) = (maxSteps, budget, batchSize, windowSteps);
        (LearningRate, WeightDecay, Beta1, Beta2, Epsilon) = (learningRate, weightDecay, beta1, beta2, epsilon);
        (WarmupSteps, MinLearningRateRatio, GradientClipNorm) = (warmupSteps, minLearningRateRatio, gradientClipNorm);
        (ValidateEvery, ValidationBatches, CheckpointEvery, LogEvery) = (validateEvery, validationBatches, checkpointEvery, logEvery);
        (Seed, SelfForcingFraction, CalibrationSteps) = (seed, selfForcingFraction, calibrationSteps);
    }

    /// <summary>Optimizer steps to train, if bounded by steps.</summary>
    public long? MaxSteps { get; }

    /// <summary>Wall-clock time to train, if bounded by time.</summary>
    public TimeSpan? Budget { get; }

    /// <summary>Windows per batch (B).</summary>
    public int BatchSize { get; }

    /// <summary>Actions per window (L).</summary>
    public int WindowSteps { get; }

    /// <summary>Peak learning rate.</summary>
    public double LearningRate { get; }

    /// <summary>AdamW weight decay on weight matrices (biases, norms and other vectors are not decayed).</summary>
    public double WeightDecay { get; }

    /// <summary>AdamW β₁.</summary>
    public double Beta1 { get; }

    /// <summary>AdamW β₂.</summary>
    public double Beta2 { get; }

    /// <summary>AdamW ε.</summary>
    public double Epsilon { get; }

    /// <summary>Linear warm-up steps.</summary>
    public int WarmupSteps { get; }

    /// <summary>Cosine floor as a share of the peak learning rate.</summary>
    public double MinLearningRateRatio { get; }

    /// <summary>Global gradient-norm limit.</summary>
    public double GradientClipNorm { get; }

    /// <summary>Steps between validations.</summary>
    public int ValidateEvery { get; }

    /// <summary>Validation batches per validation (0 turns validation off).</summary>
    public int ValidationBatches { get; }

    /// <summary>Steps between checkpoints.</summary>
    public int CheckpointEvery { get; }

    /// <summary>Steps between metric lines.</summary>
    public int LogEvery { get; }

    /// <summary>Seed of the window order and of the flow-matching noise.</summary>
    public int Seed { get; }

    /// <summary>Share of steps trained on the model's own predicted history.</summary>
    public double SelfForcingFraction { get; }

    /// <summary>Steps timed, under a time budget, before the schedule's length is first estimated; later estimates follow every 50 steps.</summary>
    public int CalibrationSteps { get; }

    /// <summary>The configuration as JSON (snake_case keys; the budget as a TimeSpan string), as a checkpoint stores it.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, _jsonOptions);

    /// <summary>Reads a configuration written by <see cref="ToJson"/>; <paramref name="source"/> names the file in errors.</summary>
    /// <exception cref="InvalidInputException">The JSON is malformed or its values are out of range.</exception>
    public static TrainingConfig FromJson(string json, string source = "training config")
    {
        try
        {
            return JsonSerializer.Deserialize<TrainingConfig>(json, _jsonOptions) ?? throw new JsonException("the JSON is null");
        }
        catch (Exception e) when (e is JsonException or ArgumentException or NotSupportedException)
        {
            throw new InvalidInputException(source, $"{source}: not a valid training configuration: {e.Message}", e);
        }
    }

    static void Positive(int value, string name) => ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, name);

    static readonly JsonSerializerOptions _jsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
}
