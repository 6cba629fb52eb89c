using System.Diagnostics;

namespace PanGym.Training;

/// <summary>Sums of the steps since the last metric line.</summary>
internal sealed class StepTotals
{
    readonly List<StepMeasurement> _steps = [];
    readonly Stopwatch _clock = Stopwatch.StartNew();

    public int Steps => _steps.Count;

    public double Seconds => Math.Max(_clock.Elapsed.TotalSeconds, 1e-9);

    public StepMeasurement Last => _steps[^1];

    public void Add(StepMeasurement step) => _steps.Add(step);

    public double Mean(Func<StepMeasurement, double> value) => _steps.Average(value);

    /// <summary>The training metric line of these steps, <paramref name="step"/> being the step after the last of them.</summary>
    public TrainingMetric TrainLine(long step, int batchSize, TimeSpan elapsed)
        => new(TrainingMetric.TrainKind, step, Mean(t => t.Loss), Mean(t => t.Flow), Mean(t => t.Latent),
            Last.LearningRate, Mean(t => t.GradNorm), Steps * batchSize / Seconds, elapsed.TotalSeconds,
            Mean(t => t.Reconstruction), Mean(t => t.Painted));
}
