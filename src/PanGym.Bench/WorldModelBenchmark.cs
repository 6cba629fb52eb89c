using PanGym.Envs;
using PanGym.Evaluation;
using PanGym.Imagination;
using PanGym.Planning;
using PanGym.WorldModel;
using static TorchSharp.torch;

namespace PanGym.Bench;

/// <summary>
/// <c>pangym bench</c>, the world model: per-step costs of encode, dynamics with and without the KV cache and decode with
/// K solver steps; imagined steps per second batched at several B against the same trajectories one at a time; the
/// planners' decisions per second with their defaults; and the dynamics' achieved GFLOP/s beside a float32 matrix product
/// measured in the same run (<see cref="MatmulPeak"/>). <see cref="WorldModelBenchmarkTables"/> prints the result.
/// </summary>
public static class WorldModelBenchmark
{
    /// <summary>A repeated measurement stops once its runs have used this many seconds (or after <see cref="MaxRuns"/>).</summary>
    const double SecondsPerMeasurement = 1.0;

    const int MaxRuns = 20;

    /// <summary>Measures the model that <paramref name="options"/> name (a checkpoint, or a preset with random weights).</summary>
    public static WorldModelBenchmarkResult Run(WorldModelBenchmarkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        using var model = options.Checkpoint is { } folder
            ? CheckpointLocator.Load(folder)
            : PanWorldModel.Create(WorldModelConfig.FromPreset(options.Preset), seed: 0);
        model.eval();
        return Run(model, options);
    }

    /// <summary>Measures <paramref name="model"/> (in eval mode) with <paramref name="options"/>' batch sizes, horizon, history, K and decisions.</summary>
    public static WorldModelBenchmarkResult Run(PanWorldModel model, WorldModelBenchmarkOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var config = model.Config;
        int size = config.ImageSize, turnLength = model.Dynamics.TurnLength, historyTurns = options.HistoryTurns, horizon = options.Horizon;
        double peak = MatmulPeak.MeasureGflops();
        using var env = new ShapesWorld(ShapesWorldConfig.ForSize(size));
        var (start, startInfo) = env.Reset(seed: 0);
        var candidates = ShapesWorldAction.Candidates;
        var frame = model.ToModelPixels([start]);
        // The root: an episode followed for historyTurns turns, in a window that also holds the imagined horizon.
        var window = new HistoryWindow(historyTurns + horizon + 1, historyTurns + horizon);
        var follower = new ImaginationEngine(model, new RolloutOptions(ClosedLoop.Off, history: window));
        using var episode = follower.Start(frame);
        var random = new Random(0);
        for (int turn = 0; turn < historyTurns; turn++) follower.Observe(episode, [candidates[random.Next(candidates.Count)]], frame);
        var root = episode.History;
        var rootState = episode.State;

        double encode = Best(() => model.Encode(frame));
        // With the cache: one turn read on top of the root history (a copy, so the root stays put). Without: the whole history again.
        double cached = Best(() =>
        {
            using var branch = root.Clone();
            model.PredictNext(branch, rootState, [candidates[0]]);
        }) - Best(() => root.Clone().Dispose());
        var allStates = model.Encode(frame.expand(historyTurns + 1, -1, -1, -1)).unsqueeze(0);
        var allActions = new[] { (IReadOnlyList<string>)Enumerable.Repeat(candidates[0], historyTurns + 1).ToArray() };
        double uncached = Best(() => model.Dynamics.PredictSequence(allStates, allActions));
        double cachedFlops = WorldModelFlops.Turn(model, historyTurns, rows: 1);
        double uncachedFlops = Enumerable.Range(0, historyTurns + 1).Sum(t => WorldModelFlops.Turn(model, t, rows: 1));

        var decodes = options.DecodeSteps
            .Select(k => new DecodeTiming(k, Best(() => model.Decode(rootState, frame, new FlowSamplingOptions(steps: k, temperature: 0)))))
            .ToList();
        // One imagined step through the engine: f and g (K = 1, a planner's decode) with the closed loop off and on (h on the decoded frame).
        double Step(ClosedLoop loop)
        {
            var engine = new ImaginationEngine(model, new RolloutOptions(loop, ImaginationOptions.DefaultRollout.Sampling, window));
            return Best(() =>
            {
                using var branch = episode.Select([0]);
                engine.Step(branch, [candidates[0]], generator: null);
            }) - Best(() => episode.Select([0]).Dispose());
        }
        double openLoop = Step(ClosedLoop.Off), closedLoop = Step(ClosedLoop.Reencode);

        using var goal = LatentGoalReward.FromImage(model, ShapesWorldGoalTasks.GoalFrame(env, startInfo));
        var imagination = Imagination(model, options, episode, goal, window, random, peak);
        var planners = PlannerDecisions.Measure(model, env, startInfo, goal, options.Decisions);
        return new WorldModelBenchmarkResult(config.Preset, get_num_threads(), turnLength, historyTurns, horizon, peak, encode, cached, uncached, cachedFlops, uncachedFlops,
            decodes, openLoop, closedLoop, imagination, planners, WorldModelPlanningModel.DefaultHistory.MaxTurns, ImaginationOptions.DefaultRollout.Sampling.Steps);
    }

    /// <summary>B trajectories of random actions from the root history, latent reward, open loop: one at a time, batched, and batched with shared prefixes.</summary>
    static List<ImaginationTiming> Imagination(PanWorldModel model, WorldModelBenchmarkOptions options, ImaginedTrajectories episode, IImaginedReward goal,
        HistoryWindow window, Random random, double peak)
    {
        var candidates = ShapesWorldAction.Candidates;
        var latentOnly = new RolloutOptions(ClosedLoop.Off, history: window);
        var plain = new BatchedImagination(model, new ImaginationOptions(shareBranches: false, rollout: latentOnly));
        var shared = new BatchedImagination(model, new ImaginationOptions(rollout: latentOnly));
        var rows = new List<ImaginationTiming>();
        foreach (int batch in options.BatchSizes)
        {
            var sequences = Enumerable.Range(0, batch)
                .Select(_ => (IReadOnlyList<string>)Enumerable.Range(0, options.Horizon).Select(_ => candidates[random.Next(candidates.Count)]).ToArray())
                .ToArray();
            double each = batch <= 16 ? Best(() => plain.ImagineEach(episode, sequences, goal).Dispose()) : Once(() => plain.ImagineEach(episode, sequences, goal).Dispose());
            double together = Best(() => plain.Imagine(episode, sequences, goal).Dispose());
            int computed = 0;
            double sharing = Best(() =>
            {
                using var result = shared.Imagine(episode, sequences, goal);
                computed = result.ComputedSteps;
            });
            double flops = Enumerable.Range(0, options.Horizon).Sum(t => WorldModelFlops.Turn(model, options.HistoryTurns + t, batch));
            // The ceiling of batching: the batched dynamics' matrix products running at the matmul peak, nothing else costing time.
            rows.Add(new ImaginationTiming(batch, batch * options.Horizon, each, together, sharing, computed, flops, flops / (peak * 1e9)));
        }
        return rows;
    }

    /// <summary>The fastest of runs until ~1 s is used (one warm-up first).</summary>
    internal static double Best(Action run) => BenchTiming.Fastest(run, MaxRuns, SecondsPerMeasurement, warmUp: true);

    static double Once(Action run) => BenchTiming.Fastest(run, maxRuns: 1, SecondsPerMeasurement);
}
