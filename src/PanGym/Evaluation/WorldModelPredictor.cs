using PanGym.Gym;
using PanGym.Imagination;
using PanGym.WorldModel;
using TorchSharp;
using static TorchSharp.torch;

namespace PanGym.Evaluation;

/// <summary>
/// A <see cref="WorldModel.WorldModel"/> as an <see cref="IFramePredictor"/>. Teacher-forced one-step prediction reads
/// the true encodings h(o_0 … o_t) with the actions through the KV cache, within the <see cref="Window"/> of recent
/// turns the model was trained on, and decodes each ŝ_{t+1} after the true o_t; a rollout feeds its own predicted states
/// back into the history and its decoded frames back into the decoder (step by step or Causal Swin-DPM, as the sampling
/// options say). Episodes of equal length are batched.
/// </summary>
public sealed class WorldModelPredictor : IFramePredictor
{
    /// <summary>Frames decoded in one batch during one-step prediction.</summary>
    public const int DecodeBatch = 64;

    readonly WorldModel.WorldModel _model;

    /// <summary>A predictor over <paramref name="model"/> (which stays the caller's).</summary>
    /// <param name="model">The world model.</param>
    /// <param name="options">How frames are sampled; default <see cref="DefaultSampling"/>.</param>
    /// <param name="history">The history, or the no-history ablation.</param>
    /// <param name="seed">Seed of the decoder's noise.</param>
    /// <param name="window">How many recent turns the history holds; default <see cref="HistoryWindow.Default"/>, a training window.</param>
    /// <exception cref="ArgumentException">The window's turns do not fit the backbone's positions.</exception>
    public WorldModelPredictor(WorldModel.WorldModel model, FlowSamplingOptions? options = null, PredictorHistory history = PredictorHistory.Full, int seed = 0,
        HistoryWindow? window = null)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        if (!Enum.IsDefined(history)) throw new ArgumentOutOfRangeException(nameof(history), history, "Unknown history mode.");
        Options = options ?? DefaultSampling;
        History = history;
        Seed = seed;
        Window = window ?? HistoryWindow.Default;
        WindowedHistory.EnsureFits(model, Window);
    }

    /// <summary>
    /// 16 Euler steps from the prior's mean (temperature 0): the most likely frame, deterministic up to the conditioning
    /// frame's noise augmentation, which is what scoring a deterministic simulator wants.
    /// </summary>
    public static FlowSamplingOptions DefaultSampling { get; } = new(steps: 16, temperature: 0);

    /// <summary>How frames are sampled.</summary>
    public FlowSamplingOptions Options { get; }

    /// <summary>History or the ablation.</summary>
    public PredictorHistory History { get; }

    /// <summary>The recent turns the history holds (<see cref="PredictorHistory.Full"/> only).</summary>
    public HistoryWindow Window { get; }

    /// <summary>Seed of the decoder's noise (each call starts from it).</summary>
    public int Seed { get; }

    /// <summary>"world model", or "world model, no history" for the ablation.</summary>
    public string Name => History == PredictorHistory.Full ? "world model" : "world model, no history";

    /// <inheritdoc />
    public int FrameSize => _model.Config.ImageSize;

    /// <inheritdoc />
    public IReadOnlyList<IReadOnlyList<Image>> PredictOneStep(IReadOnlyList<IReadOnlyList<Image>> frames, IReadOnlyList<IReadOnlyList<string>> actions)
    {
        PredictorInput.CheckOneStep(frames, actions, FrameSize);
        using var noGrad = no_grad();
        using var generator = new Generator((ulong)Seed, _model.Device);
        return ByLength(actions, indices => OneStepBatch([.. indices.Select(b => frames[b])], [.. indices.Select(b => actions[b])], generator));
    }

    /// <inheritdoc />
    public IReadOnlyList<IReadOnlyList<Image>> Rollout(IReadOnlyList<Image> starts, IReadOnlyList<IReadOnlyList<string>> actions)
    {
        PredictorInput.CheckRollout(starts, actions, FrameSize);
        using var noGrad = no_grad();
        using var generator = new Generator((ulong)Seed, _model.Device);
        return ByLength(actions, indices => RolloutBatch([.. indices.Select(b => starts[b])], [.. indices.Select(b => actions[b])], generator));
    }

    /// <summary>Runs <paramref name="batch"/> on each group of episodes with the same number of actions and puts the results back in order.</summary>
    static IReadOnlyList<IReadOnlyList<Image>> ByLength(IReadOnlyList<IReadOnlyList<string>> actions, Func<int[], Image[][]> batch)
    {
        var result = new IReadOnlyList<Image>[actions.Count];
        foreach (var group in Enumerable.Range(0, actions.Count).GroupBy(b => actions[b].Count))
        {
            var indices = group.ToArray();
            var predicted = batch(indices);
            for (int i = 0; i < indices.Length; i++) result[indices[i]] = predicted[i];
        }
        return result;
    }

    Image[][] OneStepBatch(IReadOnlyList<IReadOnlyList<Image>> frames, IReadOnlyList<IReadOnlyList<string>> actions, Generator generator)
    {
        using var scope = NewDisposeScope();
        int batch = frames.Count, steps = actions[0].Count, size = FrameSize;
        int tokens = _model.Config.Dynamics.LatentTokens, width = _model.Config.Dynamics.LatentWidth;
        var pixels = _model.ToModelPixels([.. frames.SelectMany(f => f)]).view(batch, steps + 1, 3, size, size);
        var states = _model.Encode(pixels.flatten(0, 1)).view(batch, steps + 1, tokens, width);
        Tensor latents;
        if (History == PredictorHistory.Full)
        {
            using var history = new WindowedHistory(_model, batch, Window);
            var predicted = new List<Tensor>(steps);
            for (int t = 0; t < steps; t++) predicted.Add(history.PredictNext(states.select(1, t), [.. actions.Select(a => a[t])]));
            latents = stack(predicted, dim: 1).flatten(0, 1);
        }
        else
        {
            using var history = _model.NewHistory(batch * steps);
            latents = _model.PredictNext(history, states.narrow(1, 0, steps).flatten(0, 1), [.. actions.SelectMany(a => a)]);
        }
        var previous = pixels.narrow(1, 0, steps).flatten(0, 1);
        var images = new List<Image>(batch * steps);
        for (int start = 0; start < batch * steps; start += DecodeBatch)
        {
            using var chunkScope = NewDisposeScope();
            int count = Math.Min(DecodeBatch, batch * steps - start);
            images.AddRange(WorldModel.WorldModel.FromModelPixels(_model.Decode(latents.narrow(0, start, count), previous.narrow(0, start, count), Options, generator)));
        }
        return [.. Enumerable.Range(0, batch).Select(b => images.GetRange(b * steps, steps).ToArray())];
    }

    Image[][] RolloutBatch(IReadOnlyList<Image> starts, IReadOnlyList<IReadOnlyList<string>> actions, Generator generator)
    {
        using var scope = NewDisposeScope();
        int batch = starts.Count, steps = actions[0].Count;
        var context = _model.ToModelPixels(starts);
        var state = _model.Encode(context);
        using var history = History == PredictorHistory.Full ? new WindowedHistory(_model, batch, Window) : null;
        using var sampler = VideoSampling.Create(_model.Decoder, Options);
        sampler.Reset(context, generator);
        var perStep = new List<Image[]>(steps);
        for (int t = 0; t < steps; t++)
        {
            using var stepScope = NewDisposeScope();
            string[] texts = [.. actions.Select(a => a[t])];
            Tensor next;
            if (history is not null) next = history.PredictNext(state, texts);
            else
            {
                using var fresh = _model.NewHistory(batch);
                next = _model.PredictNext(fresh, state, texts);
            }
            if (sampler.Push(next) is { } frame) perStep.Add(WorldModel.WorldModel.FromModelPixels(frame));
            state = next.MoveToOuterDisposeScope();
        }
        foreach (var frame in sampler.Flush()) perStep.Add(WorldModel.WorldModel.FromModelPixels(frame));
        return [.. Enumerable.Range(0, batch).Select(b => perStep.Select(images => images[b]).ToArray())];
    }
}
