using PanGym.Gym;
using PanGym.Imagination;
using PanGym.WorldModel;
using static TorchSharp.torch;

namespace PanGym.Evaluation;

/// <summary>
/// A <see cref="PanWorldModel"/> as an <see cref="IFramePredictor"/>, through the <see cref="ImaginationEngine"/>.
/// Teacher-forced one-step prediction observes the true frames o_0 … o_t with the actions (the dynamics reads their
/// encodings within the history window) and decodes each ŝ_{t+1} after the true o_t; a rollout imagines, its decoded
/// frames fed back into the decoder and, with the closed loop, their encodings into the history (step by step or Causal
/// Swin-DPM, as the options say). Episodes of equal length are batched.
/// </summary>
public sealed class WorldModelPredictor : IFramePredictor
{
    /// <summary>Frames decoded in one batch during one-step prediction.</summary>
    public const int DecodeBatch = 64;

    readonly PanWorldModel _model;
    readonly ImaginationEngine _engine;

    /// <summary>A predictor over <paramref name="model"/> (which stays the caller's).</summary>
    /// <param name="model">The world model.</param>
    /// <param name="options">Closed loop, decoding and history window; default <see cref="RolloutOptions.Default"/> (the
    /// closed loop, 16 deterministic Euler steps, the window the model was trained to read). <see cref="HistoryWindow.LastStateOnly"/>
    /// gives the no-history ablation.</param>
    /// <param name="seed">Seed of the decoder's noise.</param>
    /// <exception cref="ArgumentException">The window's turns do not fit the backbone's positions.</exception>
    public WorldModelPredictor(PanWorldModel model, RolloutOptions? options = null, int seed = 0)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        _engine = new ImaginationEngine(model, options);
        Seed = seed;
    }

    /// <summary>Closed loop, decoding and history window.</summary>
    public RolloutOptions Options => _engine.Options;

    /// <summary>The history window the dynamics reads.</summary>
    public HistoryWindow Window => Options.WindowFor(_model);

    /// <summary>Seed of the decoder's noise (each call starts from it).</summary>
    public int Seed { get; }

    /// <summary>"world model", or with what sets it apart: "world model, open loop", "world model, no history".</summary>
    public string Name => string.Join(", ", new[]
    {
        "world model",
        Options.ClosedLoop == ClosedLoop.Off ? "open loop" : null,
        Window.IsLastStateOnly ? "no history" : null,
    }.Where(part => part is not null));

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
        var pixels = _model.ToModelPixels([.. frames.SelectMany(f => f)]).view(batch, steps + 1, 3, size, size);
        using var trajectories = _engine.Start(pixels.select(1, 0));
        var predicted = new List<Tensor>(steps);
        for (int t = 0; t < steps; t++) predicted.Add(_engine.Observe(trajectories, [.. actions.Select(a => a[t])], pixels.select(1, t + 1)));
        var latents = stack(predicted, dim: 1).flatten(0, 1);
        var previous = pixels.narrow(1, 0, steps).flatten(0, 1);
        var images = new List<Image>(batch * steps);
        for (int start = 0; start < batch * steps; start += DecodeBatch)
        {
            using var chunkScope = NewDisposeScope();
            int count = Math.Min(DecodeBatch, batch * steps - start);
            images.AddRange(PanWorldModel.FromModelPixels(_model.Decode(latents.narrow(0, start, count), previous.narrow(0, start, count), Options.Sampling, generator)));
        }
        return [.. Enumerable.Range(0, batch).Select(b => images.GetRange(b * steps, steps).ToArray())];
    }

    Image[][] RolloutBatch(IReadOnlyList<Image> starts, IReadOnlyList<IReadOnlyList<string>> actions, Generator generator)
    {
        using var scope = NewDisposeScope();
        var frames = _engine.Rollout(_model.ToModelPixels(starts), actions, generator);
        return [.. Enumerable.Range(0, starts.Count).Select(b => PanWorldModel.FromModelPixels(frames[b]))];
    }
}
