namespace PanGym.Data.Video;

/// <summary>
/// Finds hard cuts in a stream of frames (PAN §6 segments videos into shots before clipping them), from two cues,
/// each against an adaptive threshold (an absolute floor, and the shot's recent mean + k standard deviations over a
/// sliding window, so that fast motion or flicker inside a shot does not count):
/// <list type="number">
/// <item>the colour-histogram distance to the previous frame: a new shot usually has other colours;</item>
/// <item>the block-matching error (<see cref="MotionEstimator.MatchError"/>): the previous frame cannot explain the new
/// one by motion. It counts when the colours changed more than usual too (3 deviations), so that it finds cuts between
/// shots of similar colours without taking a sudden fast motion for a cut.</item>
/// </list>
/// </summary>
/// <remarks>Gradual transitions (fades, dissolves) spread their change over many frames and are not detected as cuts.</remarks>
public sealed class ShotCutDetector
{
    /// <summary>Histogram bins per colour channel.</summary>
    public const int Bins = 16;

    readonly VideoIngestConfig _config;
    readonly Queue<double> _distances = new();
    readonly Queue<double> _errors = new();
    float[]? _previousHistogram;
    (float[] Luma, int Size)? _previousPlane;

    /// <summary>A detector with the cut settings of <paramref name="config"/>.</summary>
    public ShotCutDetector(VideoIngestConfig config)
    {
        _config = config ?? throw new ArgumentNullException(nameof(config));
    }

    /// <summary>The histogram distance of the last frame pushed to the one before it (0 for the first frame).</summary>
    public double LastDistance { get; private set; }

    /// <summary>The block-matching error of the last frame pushed against the one before it, or null when there was no texture to match.</summary>
    public double? LastMatchError { get; private set; }

    /// <summary>Takes the next frame; returns whether it starts a new shot (the first frame does not: it starts the first shot).</summary>
    public bool Push(VideoFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var histogram = FrameMath.ColourHistogram(frame.Image, Bins);
        var plane = MotionEstimator.WorkingPlane(frame);
        var (previousHistogram, previousPlane) = (_previousHistogram, _previousPlane);
        (_previousHistogram, _previousPlane) = (histogram, plane);
        if (previousHistogram is null || previousPlane is not var (previousLuma, previousSize) || previousSize != plane.Size)
        {
            (LastDistance, LastMatchError) = (0, null);
            return false;
        }
        double distance = FrameMath.HistogramDistance(previousHistogram, histogram);
        double? error = MotionEstimator.MatchError(previousLuma, plane.Luma, plane.Size);
        (LastDistance, LastMatchError) = (distance, error);

        var (distanceMean, distanceStd) = Statistics(_distances);
        bool colourCut = distance > Math.Max(_config.CutThreshold, distanceMean + _config.CutSensitivity * distanceStd);
        bool structureCut = false;
        if (error is double e)
        {
            var (errorMean, errorStd) = Statistics(_errors);
            structureCut = e > Math.Max(_config.CutMatchError, errorMean + _config.CutSensitivity * errorStd)
                && distance > distanceMean + 3 * distanceStd + 0.01;
        }
        bool cut = colourCut || structureCut;
        if (cut)
        {
            _distances.Clear();
            _errors.Clear();
        }
        else
        {
            Remember(_distances, distance);
            if (error is double value) Remember(_errors, value);
        }
        return cut;
    }

    void Remember(Queue<double> window, double value)
    {
        window.Enqueue(value);
        if (window.Count > _config.CutWindow) window.Dequeue();
    }

    /// <summary>Mean and sample standard deviation of a window (0, 0 with fewer than two values: only the floors apply).</summary>
    static (double Mean, double Std) Statistics(Queue<double> window)
    {
        if (window.Count < 2) return (0, 0);
        double mean = window.Average();
        return (mean, Math.Sqrt(window.Sum(d => (d - mean) * (d - mean)) / (window.Count - 1)));
    }
}
