using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using PanGym.Evaluation;
using PanGym.Envs;
using PanGym.Imagination;
using PanGym.Planning;
using PanGym.WorldModel;
using Spectre.Console;
using static TorchSharp.torch;
using PanGym.IO;

namespace PanGym.Cli.Commands;

/// <summary>
/// <c>pangym bench</c> (the world model): per-step costs of encode, dynamics with and without the KV cache and decode
/// with K solver steps; imagined steps per second batched at several B against the same trajectories one at a time;
/// the planners' decisions per second with their defaults; and the dynamics' achieved GFLOP/s beside a float32 matrix
/// product measured in the same run. <c>--json</c> writes the same figures.
/// </summary>
internal static class WorldModelBenchmark
{
    const double SecondsPerMeasurement = 1.0;
    static readonly CultureInfo _invariant = CultureInfo.InvariantCulture;

    public static void AddTo(Command bench)
    {
        var preset = new Option<string>("--preset") { Description = "World-model preset when no --checkpoint is given: tiny or small (random weights: speed only).", DefaultValueFactory = _ => "small" };
        var checkpoint = new Option<DirectoryInfo?>("--checkpoint") { Description = "A world-model checkpoint folder to measure instead of a preset." };
        var batches = new Option<string>("--batches") { Description = "Comma-separated batch sizes B for imagination.", DefaultValueFactory = _ => "1,16,256" };
        var horizon = new Option<int>("--horizon") { Description = "Imagined steps per trajectory.", DefaultValueFactory = _ => CemConfig.Default.Horizon };
        var history = new Option<int>("--history") { Description = "Turns of shared history the trajectories branch from.", DefaultValueFactory = _ => 2 };
        var decodeSteps = new Option<string>("--decode-steps") { Description = "Comma-separated K (solver steps per decoded frame).", DefaultValueFactory = _ => "1,4,16" };
        var decisions = new Option<int>("--decisions") { Description = "Planner decisions timed per planner.", DefaultValueFactory = _ => 4 };
        var threads = ThreadsOption.Create();
        var json = new Option<FileInfo?>("--json") { Description = "Also write the figures to this JSON file." };
        foreach (var option in new Option[] { preset, checkpoint, batches, horizon, history, decodeSteps, decisions, threads, json }) bench.Options.Add(option);
        bench.SetAction(parse =>
        {
            var batchSizes = PositiveList(parse.GetValue(batches)!, "--batches");
            var ks = PositiveList(parse.GetValue(decodeSteps)!, "--decode-steps");
            if (parse.GetValue(horizon) < 1) throw new ArgumentException($"--horizon must be at least 1, got {parse.GetValue(horizon)}.");
            if (parse.GetValue(history) < 0) throw new ArgumentException($"--history must be at least 0, got {parse.GetValue(history)}.");
            if (parse.GetValue(decisions) < 1) throw new ArgumentException($"--decisions must be at least 1, got {parse.GetValue(decisions)}.");
            ThreadsOption.Apply(parse.GetValue(threads));
            using var model = parse.GetValue(checkpoint) is { } folder
                ? CheckpointLocator.Load(folder.FullName)
                : PanGym.WorldModel.PanWorldModel.Create(WorldModelConfig.FromPreset(parse.GetValue(preset)!), seed: 0);
            model.eval();
            var console = CliConsole.Create(parse.InvocationConfiguration.Output, 160);
            var figures = Run(console, model, batchSizes, parse.GetValue(horizon), parse.GetValue(history), ks, parse.GetValue(decisions));
            if (parse.GetValue(json) is { } file)
            {
                AtomicFile.WriteAllText(file.FullName, figures.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
                console.WriteLine($"figures: {file.FullName}");
            }
            return 0;
        });
    }

    static JsonObject Run(IAnsiConsole console, PanGym.WorldModel.PanWorldModel model, int[] batchSizes, int horizon, int historyTurns, int[] decodeSteps, int decisions)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var config = model.Config;
        int size = config.ImageSize, turnLength = model.Dynamics.TurnLength;
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

        var figures = new JsonObject
        {
            ["preset"] = config.Preset,
            ["threads"] = get_num_threads(),
            ["turn_tokens"] = turnLength,
            ["history_turns"] = historyTurns,
            ["horizon"] = horizon,
            ["matmul_peak_gflops"] = Round(peak),
        };
        var costs = new Table().Title($"pangym bench: {config.Preset} world model, {get_num_threads()} threads, {turnLength} tokens a turn; 1024² float32 matmul peak {peak:F1} GFLOP/s");
        costs.AddColumns("per-step cost (one trajectory)", "ms", "GFLOP/s");

        double encode = BestSeconds(() => model.Encode(frame));
        costs.AddRow("encode h (1 frame)", Ms(encode), "");
        figures["encode_ms"] = Round(encode * 1000);

        // With the cache: one turn read on top of the root history (a copy, so the root stays put). Without: the whole history again.
        double cached = BestSeconds(() =>
        {
            using var branch = root.Clone();
            model.PredictNext(branch, rootState, [candidates[0]]);
        }) - BestSeconds(() => root.Clone().Dispose());
        var allStates = model.Encode(frame.expand(historyTurns + 1, -1, -1, -1)).unsqueeze(0);
        var allActions = new[] { (IReadOnlyList<string>)Enumerable.Repeat(candidates[0], historyTurns + 1).ToArray() };
        double uncached = BestSeconds(() => model.Dynamics.PredictSequence(allStates, allActions));
        double cachedFlops = TurnFlops(model, historyTurns, rows: 1);
        double uncachedFlops = Enumerable.Range(0, historyTurns + 1).Sum(t => TurnFlops(model, t, rows: 1));
        costs.AddRow($"dynamics f, with the KV cache ({historyTurns} turns read)", Ms(cached), Gflops(cachedFlops, cached));
        costs.AddRow($"dynamics f, without the cache ({historyTurns + 1} turns recomputed)", Ms(uncached), Gflops(uncachedFlops, uncached));
        figures["dynamics_cached_ms"] = Round(cached * 1000);
        figures["dynamics_uncached_ms"] = Round(uncached * 1000);
        figures["dynamics_cached_gflops"] = Round(cachedFlops / cached / 1e9);

        var decodes = new JsonObject();
        foreach (int k in decodeSteps)
        {
            var options = new FlowSamplingOptions(steps: k, temperature: 0);
            double seconds = BestSeconds(() => model.Decode(rootState, frame, options));
            costs.AddRow($"decode g, K = {k}", Ms(seconds), "");
            decodes[k.ToString(_invariant)] = Round(seconds * 1000);
        }
        figures["decode_ms"] = decodes;
        // One imagined step through the engine: f and g (K = 1, a planner's decode) with the closed loop off and on (h on the decoded frame).
        var loops = new JsonObject();
        foreach (var loop in new[] { ClosedLoop.Off, ClosedLoop.Reencode })
        {
            var engine = new ImaginationEngine(model, new RolloutOptions(loop, ImaginationOptions.DefaultRollout.Sampling, window));
            double seconds = BestSeconds(() =>
            {
                using var branch = episode.Select([0]);
                engine.Step(branch, [candidates[0]], generator: null);
            }) - BestSeconds(() => episode.Select([0]).Dispose());
            costs.AddRow($"imagined step, closed loop {(loop == ClosedLoop.Off ? "off (f + g)" : "on (f + g + h)")}, K = 1", Ms(seconds), "");
            loops[loop == ClosedLoop.Off ? "open_loop" : "closed_loop"] = Round(seconds * 1000);
        }
        figures["imagined_step_ms"] = loops;
        console.Write(costs);

        var imagination = new Table().Title($"imagined steps per second: B trajectories of {horizon} steps from one {historyTurns}-turn history, latent reward, open loop (no decoding)");
        imagination.AddColumns("B", "one at a time", "batched", "speed-up", "batched, shared prefixes", "speed-up", "rows computed", "batched GFLOP/s", "speed-up at the peak");
        var imaginationFigures = new JsonArray();
        using var goal = LatentGoalReward.FromImage(model, ShapesWorldGoalTasks.GoalFrame(env, startInfo));
        var latentOnly = new RolloutOptions(ClosedLoop.Off, history: window);
        var plain = new BatchedImagination(model, new ImaginationOptions(shareBranches: false, rollout: latentOnly));
        var shared = new BatchedImagination(model, new ImaginationOptions(rollout: latentOnly));
        foreach (int batch in batchSizes)
        {
            var sequences = Enumerable.Range(0, batch)
                .Select(_ => (IReadOnlyList<string>)Enumerable.Range(0, horizon).Select(_ => candidates[random.Next(candidates.Count)]).ToArray())
                .ToArray();
            double each = Seconds(() => plain.ImagineEach(episode, sequences, goal).Dispose(), repeat: batch <= 16);
            double together = Seconds(() => plain.Imagine(episode, sequences, goal).Dispose(), repeat: true);
            int computed = 0;
            double sharing = Seconds(() =>
            {
                using var result = shared.Imagine(episode, sequences, goal);
                computed = result.ComputedSteps;
            }, repeat: true);
            double steps = batch * horizon;
            double flops = Enumerable.Range(0, horizon).Sum(t => TurnFlops(model, historyTurns + t, batch));
            // The ceiling of batching: the batched dynamics' matrix products running at the matmul peak, nothing else costing time.
            double atPeak = flops / (peak * 1e9);
            imagination.AddRow(batch.ToString(_invariant), Rate(steps / each), Rate(steps / together), Ratio(each / together),
                Rate(steps / sharing), Ratio(each / sharing), $"{computed} of {steps}", Gflops(flops, together), Ratio(each / atPeak));
            imaginationFigures.Add(new JsonObject
            {
                ["batch"] = batch,
                ["one_by_one_steps_per_s"] = Round(steps / each),
                ["batched_steps_per_s"] = Round(steps / together),
                ["batched_speedup"] = Round(each / together),
                ["shared_steps_per_s"] = Round(steps / sharing),
                ["shared_speedup"] = Round(each / sharing),
                ["shared_rows_computed"] = computed,
                ["batched_gflops"] = Round(flops / together / 1e9),
                ["speedup_at_matmul_peak"] = Round(each / atPeak),
            });
        }
        figures["imagination"] = imaginationFigures;
        console.Write(imagination);

        var probeSampling = ImaginationOptions.DefaultRollout.Sampling;
        var planners = new Table().Title($"planner decisions (MPC on ShapesWorld goal task 0, root history {WorldModelPlanningModel.DefaultHistory.MaxTurns} turns at most, closed loop, decode K = {probeSampling.Steps}, after one untimed decision)");
        planners.AddColumns("planner", "reward", "s / decision (mean)", "s / decision (max)", "decisions / s", "sequences / decision", "rows computed / decision");
        var plannerFigures = new JsonArray();
        string cemSettings = Describe(CemConfig.Default), randomSettings = $"horizon {RandomShootingConfig.Default.Horizon}, population {RandomShootingConfig.Default.Population}";
        foreach (var (name, planner, settings, rewardName, reward) in new (string, IPlanner, string, string, IImaginedReward)[]
        {
            ("cem", new CemPlanner(), cemSettings, "latent goal", goal),
            ("random", new RandomShootingPlanner(), randomSettings, "latent goal", goal),
            ("cem", new CemPlanner(), cemSettings, $"probe, decode K = {probeSampling.Steps} (plan's default)", ShapesWorldGoalTasks.ProbeDistanceReward(env, startInfo)),
        })
        {
            var times = new List<double>();
            int sequencesScored = 0, rowsComputed = 0;
            using var planning = new WorldModelPlanningModel(model, reward);
            var agent = new MpcAgent(planning, planner, candidates);
            var (observation, info) = env.Reset(seed: 0);
            using (NewDisposeScope()) agent.Act(observation, info);
            agent.Reset();
            for (int decision = 0; decision < decisions; decision++)
            {
                using var step = NewDisposeScope();
                var action = agent.Act(observation, info);
                times.Add(agent.LastPlan!.Elapsed.TotalSeconds);
                sequencesScored += agent.LastPlan.SequencesScored;
                rowsComputed += agent.LastPlan.ComputedSteps;
                (observation, _, _, _, info) = env.Step(action);
            }
            planners.AddRow(name, rewardName, times.Average().ToString("F3", _invariant), times.Max().ToString("F3", _invariant),
                (1 / times.Average()).ToString("F2", _invariant), (sequencesScored / decisions).ToString(_invariant), (rowsComputed / decisions).ToString(_invariant));
            plannerFigures.Add(new JsonObject
            {
                ["planner"] = name,
                ["settings"] = settings,
                ["reward"] = rewardName,
                ["seconds_per_decision_mean"] = Round(times.Average()),
                ["seconds_per_decision_max"] = Round(times.Max()),
                ["decisions_per_s"] = Round(1 / times.Average()),
                ["sequences_per_decision"] = sequencesScored / decisions,
                ["rows_computed_per_decision"] = rowsComputed / decisions,
            });
        }
        figures["planners"] = plannerFigures;
        planners.Caption($"cem: {cemSettings}; random: {randomSettings}");
        console.Write(planners);
        console.WriteLine("Times are the fastest of repeated runs within ~1 s each (the least disturbed by other processes); one-at-a-time imagination at large B runs once. " +
            "GFLOP/s counts the dynamics' matrix products (projections, MLP, attention over every key of the new turn, state projections). " +
            "Shared prefixes: trajectories that agree on their first actions share rows (a prefix tree of branched KV caches). " +
            "Speed-up at the peak: what batching would give if the batched dynamics ran its matrix products at the measured matmul peak and nothing else took time, the most any batching could give here.");
        return figures;
    }

    /// <summary>Matrix-product FLOPs of one turn of the dynamics for <paramref name="rows"/> trajectories that have read <paramref name="turnsBefore"/> turns.</summary>
    static double TurnFlops(PanGym.WorldModel.PanWorldModel model, int turnsBefore, int rows)
    {
        var backbone = model.Config.Backbone;
        var dynamics = model.Config.Dynamics;
        double hidden = backbone.HiddenSize, queryWidth = backbone.NumAttentionHeads * backbone.HeadDim, kvWidth = backbone.NumKeyValueHeads * backbone.HeadDim;
        double newTokens = model.Dynamics.TurnLength, keys = (turnsBefore + 1.0) * model.Dynamics.TurnLength;
        var projections = 2 * hidden * queryWidth + 2 * 2 * hidden * kvWidth + 2 * queryWidth * hidden + 3 * 2 * hidden * backbone.IntermediateSize;
        var attention = 2 * 2 * keys * queryWidth;
        var states = 2 * 2 * dynamics.LatentTokens * dynamics.LatentWidth * hidden;
        return rows * (backbone.NumHiddenLayers * newTokens * (projections + attention) + states);
    }

    static string Describe(CemConfig config) =>
        $"horizon {config.Horizon}, population {config.Population}, elites {config.EliteCount}, {config.Iterations} iterations, α {config.Alpha}";

    static double BestSeconds(Action run) => Seconds(run, repeat: true);

    /// <summary>The fastest of runs until ~1 s is used (one warm-up first), or a single run when <paramref name="repeat"/> is false.</summary>
    static double Seconds(Action run, bool repeat)
    {
        var times = new List<double>();
        double total = 0;
        if (repeat)
            using (NewDisposeScope()) run();
        do
        {
            using var scope = NewDisposeScope();
            var clock = Stopwatch.StartNew();
            run();
            times.Add(clock.Elapsed.TotalSeconds);
            total += times[^1];
        }
        while (repeat && total < SecondsPerMeasurement && times.Count < 20);
        return times.Min();
    }

    static int[] PositiveList(string text, string option)
    {
        var items = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var values = items.Select(item => int.TryParse(item, NumberStyles.Integer, _invariant, out var value) && value > 0 ? value : -1).ToArray();
        if (values.Length == 0 || values.Any(v => v < 1)) throw new ArgumentException($"{option} must be positive integers separated by commas, got \"{text}\".");
        return values;
    }

    static double Round(double value) => Math.Round(value, 4);

    static string Ms(double seconds) => (seconds * 1000).ToString(seconds < 0.01 ? "F3" : "F1", _invariant);

    static string Rate(double perSecond) => perSecond.ToString("F0", _invariant);

    static string Ratio(double ratio) => ratio.ToString("F1", _invariant) + "×";

    static string Gflops(double flops, double seconds) => (flops / seconds / 1e9).ToString("F1", _invariant);
}
