using PanGym.Imagination;
using static TorchSharp.torch;
using PanGym.WorldModel;

namespace PanGym.Envs;

/// <summary>
/// Reads each ShapesWorld shape's centre out of a world model's latent states with one <see cref="LatentLinearProbe"/> per
/// shape kind, fitted on encodings of seeded random frames; the goal reward it makes is dense and needs no decoding
/// (the <c>latent-probe</c> reward of <c>pangym plan</c>).
/// </summary>
public sealed class ShapesWorldLatentProbe : IDisposable
{
    readonly Dictionary<ShapeKind, LatentLinearProbe> _probes;
    readonly ShapesWorldConfig _config;

    ShapesWorldLatentProbe(Dictionary<ShapeKind, LatentLinearProbe> probes, ShapesWorldConfig config, double rmse)
    {
        _probes = probes;
        _config = config;
        HeldOutRmse = rmse;
    }

    /// <summary>Root-mean-square error, in pixels, of the read-out centres on held-out frames (a fifth of the samples).</summary>
    public double HeldOutRmse { get; }

    /// <summary>Fits the probes on <paramref name="samples"/> random frames of <paramref name="config"/>, the last fifth held out.</summary>
    /// <param name="model">The world model whose encoder makes the latents.</param>
    /// <param name="config">The environment's configuration, at the model's frame size.</param>
    /// <param name="samples">Random frames to encode (at least 10).</param>
    /// <param name="seed">Reset seed of the first frame; frame i resets with seed + i.</param>
    public static ShapesWorldLatentProbe Fit(PanWorldModel model, ShapesWorldConfig config, int samples = 1200, int seed = 1_000_000)
    {
        using var env = new ShapesWorld(config);
        var frames = new List<PanGym.Gym.Image>();
        var states = new List<ShapesWorldState>();
        for (int i = 0; i < samples; i++)
        {
            frames.Add(env.Reset(seed + i).Observation);
            states.Add(env.State);
        }
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var latents = cat(frames.Chunk(64).Select(chunk => model.Encode(model.ToModelPixels(chunk))).ToArray(), 0);
        int fitCount = samples * 4 / 5;
        var probes = new Dictionary<ShapeKind, LatentLinearProbe>();
        double squared = 0;
        long count = 0;
        foreach (var kind in Enum.GetValues<ShapeKind>())
        {
            var present = states.Select((s, i) => (Shape: s.Find(kind), Index: i)).Where(p => p.Shape is not null).ToArray();
            var fit = present.Where(p => p.Index < fitCount).ToArray();
            var held = present.Where(p => p.Index >= fitCount).ToArray();
            if (fit.Length < 2) throw new InvalidOperationException($"Too few frames with the {kind.DisplayName()} to fit a probe.");
            Tensor Rows((ShapeState? Shape, int Index)[] rows) => latents.index_select(0, tensor(rows.Select(r => (long)r.Index).ToArray()));
            Tensor Centres((ShapeState? Shape, int Index)[] rows) =>
                tensor(rows.SelectMany(r => new[] { r.Shape!.X + config.ShapeSize / 2f, r.Shape.Y + config.ShapeSize / 2f }).ToArray(), [rows.Length, 2]);
            var probe = LatentLinearProbe.Fit(Rows(fit), Centres(fit));
            probes[kind] = probe;
            if (held.Length > 0)
            {
                squared += Math.Pow(probe.Rmse(Rows(held), Centres(held)), 2) * held.Length;
                count += held.Length;
            }
        }
        return new ShapesWorldLatentProbe(probes, config, count == 0 ? double.NaN : Math.Sqrt(squared / count));
    }

    /// <summary>
    /// The episode's goal reward on latents: the read-out centre of the target inside the goal square gives 1 and ends the
    /// rollout; elsewhere, minus its distance from the goal's centre as a share of the canvas.
    /// </summary>
    public DelegateReward GoalReward(IReadOnlyDictionary<string, object?> info)
    {
        var state = info.TryGetValue("state", out var value) && value is ShapesWorldState s
            ? s
            : throw new ArgumentException("The info carries no ShapesWorld \"state\"; goal tasks start from a ShapesWorld reset.");
        var probe = _probes[state.Target];
        double goalX = state.Goal.X + state.Goal.Size / 2.0, goalY = state.Goal.Y + state.Goal.Size / 2.0;
        return new DelegateReward(step =>
        {
            using var scope = NewDisposeScope();
            var centres = probe.Predict(step.Latents).cpu().data<float>().ToArray();
            var rewards = new double[step.BatchSize];
            var terminated = new bool[step.BatchSize];
            for (int b = 0; b < rewards.Length; b++)
            {
                double x = centres[2 * b], y = centres[2 * b + 1];
                terminated[b] = state.Goal.Contains(x, y);
                rewards[b] = terminated[b] ? 1.0 : -Math.Sqrt((x - goalX) * (x - goalX) + (y - goalY) * (y - goalY)) / _config.Size;
            }
            return new StepRewards(rewards, terminated);
        });
    }

    /// <summary>Releases the probes' tensors.</summary>
    public void Dispose()
    {
        foreach (var probe in _probes.Values) probe.Dispose();
    }
}
