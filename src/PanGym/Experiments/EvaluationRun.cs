using PanGym.Evaluation;
using PanGym.Imagination;
using PanGym.WorldModel;

namespace PanGym.Experiments;

/// <summary>
/// One evaluation of a trained world model against a ground-truth environment (PAN §7), the experiment behind
/// <c>pangym eval</c>: it loads the checkpoint, makes the environment at the model's frame size, and measures one-step
/// PSNR, SSIM and action fidelity beside copying the last frame, rollout drift to the horizon (closed loop, and open loop
/// beside it), smoothness, consistency and, where one frame hides the state, the no-history ablation.
/// PanGym.Video's <c>EvaluationReportWriter</c> writes the returned report as metrics.json, report.md and report.html.
/// </summary>
/// <example><code>
/// Func&lt;int, IGroundTruthSimulator&gt; simulatorAt = size =&gt; GroundTruthSimulators.For(new ShapesWorld(ShapesWorldConfig.ForSize(size)));
/// EvaluationReport report = EvaluationRun.Execute(new EvaluationRunOptions("runs/tiny", new EvaluationConfig(4, 16)), simulatorAt);
/// </code></example>
public sealed class EvaluationRun : IDisposable
{
    readonly WorldModelPredictor _predictor;
    readonly WorldModelPredictor? _noHistory;
    readonly WorldModelPredictor? _openLoop;

    EvaluationRun(EvaluationRunOptions options, string checkpoint, PanWorldModel model, IGroundTruthSimulator simulator)
    {
        (Options, Checkpoint, Model, Simulator) = (options, checkpoint, model, simulator);
        var (loop, sampling, seed) = (options.ClosedLoop, options.Sampling, options.Config.Seed);
        var palette = options.Palette ? ColourPalette.FromFrames(options.Config.EpisodeSeeds.Select(s => simulator.Record(s, 1).Frames[0])) : null;
        _predictor = new WorldModelPredictor(model, new RolloutOptions(loop, sampling, palette: palette), seed);
        _noHistory = simulator.HasHiddenState ? new WorldModelPredictor(model, new RolloutOptions(loop, sampling, HistoryWindow.LastStateOnly, palette), seed) : null;
        _openLoop = loop != ClosedLoop.Off && options.CompareOpenLoop ? new WorldModelPredictor(model, new RolloutOptions(ClosedLoop.Off, sampling, palette: palette), seed) : null;
        int size = model.Config.ImageSize;
        Details =
        [
            new("checkpoint", checkpoint),
            new("model", $"{model.Config.Preset} preset, {model.ParameterCounts()["total"]:N0} parameters, {size}×{size} frames"),
            new("decoding", $"{sampling.Steps} {sampling.Solver} steps per frame, temperature {sampling.Temperature}, step by step"),
            new("closed loop", loop == ClosedLoop.Reencode ? "on: each decoded frame is encoded again and read as the next state (PAN §5)" : "off: the predicted states are read back"),
            new("palette", palette is null ? "none: imagined frames are read as decoded" : $"{palette.Colours.Count} flat colours: each imagined frame is snapped to them"),
            new("history window", $"{_predictor.Window.MaxTurns} turns, re-read from the last {_predictor.Window.KeptTurns} when full"),
        ];
    }

    /// <summary>The options it runs with.</summary>
    public EvaluationRunOptions Options { get; }

    /// <summary>The world-model checkpoint folder the checkpoint option resolved to.</summary>
    public string Checkpoint { get; }

    /// <summary>The loaded world model.</summary>
    public PanWorldModel Model { get; }

    /// <summary>The ground-truth environment at the model's frame size.</summary>
    public IGroundTruthSimulator Simulator { get; }

    /// <summary>Whether the no-history ablation runs (the environment hides state in a single frame).</summary>
    public bool HasNoHistoryAblation => _noHistory is not null;

    /// <summary>Facts for the report's header: checkpoint, model, decoding, closed loop, history window.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Details { get; }

    /// <summary>Loads the checkpoint and makes the environment.</summary>
    /// <param name="options">The evaluation.</param>
    /// <param name="simulatorAt">Makes the ground-truth environment at a frame size (the model's); the run owns and disposes it.</param>
    /// <exception cref="IOException">The checkpoint folder is missing or holds no world model.</exception>
    /// <exception cref="InvalidInputException">The checkpoint's weights do not match its config.</exception>
    public static EvaluationRun Open(EvaluationRunOptions options, Func<int, IGroundTruthSimulator> simulatorAt)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(simulatorAt);
        string checkpoint = CheckpointLocator.Resolve(options.Checkpoint);
        var model = WorldModelCheckpoint.Load(checkpoint);
        IGroundTruthSimulator? simulator = null;
        try
        {
            simulator = simulatorAt(model.Config.ImageSize) ?? throw new InvalidOperationException("The simulator factory returned null.");
            return new EvaluationRun(options, checkpoint, model, simulator);
        }
        catch
        {
            simulator?.Dispose();
            model.Dispose();
            throw;
        }
    }

    /// <summary>Runs the evaluation and returns its report.</summary>
    /// <param name="stages">Told the name of each stage as it starts.</param>
    public EvaluationReport Evaluate(IProgress<string>? stages = null) =>
        new DynamicsEvaluator(Options.Config).Evaluate(Simulator, _predictor, _noHistory, Details, stages, _openLoop);

    /// <summary><see cref="Open"/>, <see cref="Evaluate"/> and dispose, in one call.</summary>
    public static EvaluationReport Execute(EvaluationRunOptions options, Func<int, IGroundTruthSimulator> simulatorAt, IProgress<string>? stages = null)
    {
        using var run = Open(options, simulatorAt);
        return run.Evaluate(stages);
    }

    /// <summary>Releases the model and the environment.</summary>
    public void Dispose()
    {
        Simulator.Dispose();
        Model.Dispose();
    }
}
