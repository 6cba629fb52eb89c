using System.Diagnostics;
using PanGym.Gym;
using PanGym.Gym.Spaces;
using static TorchSharp.torch;
using PanGym.WorldModel;

namespace PanGym.Imagination;

/// <summary>
/// What <see cref="PanEnv"/> and <see cref="PanVectorEnv"/> share: B trajectories started from frames and stepped together
/// through the <see cref="ImaginationEngine"/>, with the environment's checks of actions and start frames and its info.
/// </summary>
internal sealed class PanSimulation : IDisposable
{
    readonly PanWorldModel _model;
    readonly ImaginationEngine _engine;
    ImaginedTrajectories? _trajectories;
    Generator? _generator;

    public PanSimulation(PanWorldModel model, PanEnvOptions options, int batchSize)
    {
        _model = model;
        _engine = new ImaginationEngine(model, options.Rollout);
        BatchSize = batchSize;
        int limit = model.Config.Dynamics.MaxActionTokens;
        ActionSpace = new TextSpace(options.MaxActionLength ?? limit, candidates: options.Candidates, enforceCandidates: options.EnforceCandidates);
        foreach (var candidate in options.Candidates ?? [])
        {
            int tokens = model.Tokenizer.Encode(candidate).Count;
            if (tokens > limit)
                throw new ArgumentException($"The candidate action \"{candidate}\" has {tokens} tokens; this world model reads at most {limit}.", nameof(options));
        }
    }

    public int BatchSize { get; }

    public TextSpace ActionSpace { get; }

    public bool Started => _trajectories is not null;

    public int Turns => _trajectories?.History.Turns ?? 0;

    public int Rebuilds => _trajectories?.History.Rebuilds ?? 0;

    /// <summary>Throws an <see cref="ArgumentException"/> that says why <paramref name="action"/> is not in the action space.</summary>
    public void CheckAction(string? action, string what)
    {
        if (action is null) throw new ArgumentNullException(nameof(action), $"The {what} is null; give a text action.");
        if (ActionSpace.Contains(action)) return;
        if (ActionSpace.EnforceCandidates)
            throw new ArgumentException(
                $"The {what} \"{action}\" is not one of the {ActionSpace.Candidates.Count} enforced candidate actions: {string.Join(", ", ActionSpace.Candidates.Select(c => $"\"{c}\""))}.", nameof(action));
        var bad = action.FirstOrDefault(c => !ActionSpace.Charset.Contains(c));
        throw new ArgumentException(action.Length < ActionSpace.MinLength || action.Length > ActionSpace.MaxLength
            ? $"The {what} \"{action}\" has {action.Length} characters; the action space takes {ActionSpace.MinLength}–{ActionSpace.MaxLength}."
            : $"The {what} \"{action}\" holds the character '{bad}', outside the action space's charset.", nameof(action));
    }

    /// <summary>Checks a start frame's type and size.</summary>
    public Image CheckObservation(object? observation, string what)
    {
        int size = _model.Config.ImageSize;
        var image = observation switch
        {
            Image i => i,
            null => throw new ArgumentException($"The {what} is null; give a {size}×{size} PanGym.Gym.Image."),
            _ => throw new ArgumentException($"The {what} must be a PanGym.Gym.Image of {size}×{size} pixels, got a {observation.GetType().Name}."),
        };
        image.EnsureSize(size, size, $"{what} (this world model's frames are {size}×{size})");
        return image;
    }

    /// <summary>Starts B trajectories at <paramref name="observations"/> (checked), decoding noise fixed by <paramref name="seed"/>.</summary>
    public TimeSpan Start(IReadOnlyList<Image> observations, long seed)
    {
        var clock = Stopwatch.StartNew();
        var trajectories = _engine.Start(observations);
        Release();
        _trajectories = trajectories;
        _generator = new Generator((ulong)seed, _model.Device);
        return clock.Elapsed;
    }

    /// <summary>One step of every trajectory through the engine, and the reward on it.</summary>
    public (Image[] Frames, StepRewards Rewards, PanStepTiming Timing) Step(IReadOnlyList<string> actions, IImaginedReward reward, int step)
    {
        var trajectories = _trajectories ?? throw new InvalidOperationException("The simulation has not started.");
        using var scope = NewDisposeScope();
        var clock = Stopwatch.StartNew();
        var imagined = _engine.Step(trajectories, actions, _generator) with { Step = step };
        var imagine = clock.Elapsed;
        var rewards = reward.Evaluate(imagined);
        if (rewards.Count != BatchSize)
            throw new InvalidOperationException($"The reward function returned {rewards.Count} rewards for {BatchSize} trajectories.");
        var rewardTime = clock.Elapsed - imagine;
        return (PanWorldModel.FromModelPixels(imagined.Frames!), rewards, new PanStepTiming(TimeSpan.Zero, imagine, rewardTime));
    }

    /// <summary>The current latent state of trajectory <paramref name="row"/> (what the next turn reads), N × D floats, row-major.</summary>
    public float[] Latent(int row)
    {
        var trajectories = _trajectories ?? throw new InvalidOperationException("The simulation has not started.");
        using var scope = NewDisposeScope();
        return trajectories.State[row].cpu().contiguous().data<float>().ToArray();
    }

    /// <summary>The info entries every reset and step report for trajectory <paramref name="row"/>.</summary>
    public Dictionary<string, object?> Info(int row, PanStepTiming timing) => new()
    {
        ["latent"] = Latent(row),
        ["latent_shape"] = new[] { _model.Config.Dynamics.LatentTokens, _model.Config.Dynamics.LatentWidth },
        ["turns"] = Turns,
        ["timing"] = timing,
    };

    public void Dispose() => Release();

    void Release()
    {
        _trajectories?.Dispose();
        _generator?.Dispose();
        (_trajectories, _generator) = (null, null);
    }
}
