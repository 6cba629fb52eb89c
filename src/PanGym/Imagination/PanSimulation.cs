using System.Diagnostics;
using PanGym.Gym;
using PanGym.Gym.Spaces;
using TorchSharp;
using static TorchSharp.torch;

namespace PanGym.Imagination;

/// <summary>
/// The engine behind <see cref="PanEnv"/> and <see cref="PanVectorEnv"/>: B trajectories started from frames and stepped
/// together through GLP (dynamics over the windowed history, then the decoder), with their current latent states and
/// frames held between steps.
/// </summary>
internal sealed class PanSimulation : IDisposable
{
    readonly WorldModel.WorldModel _model;
    readonly PanEnvOptions _options;
    WindowedHistory? _history;
    Tensor? _state;
    Tensor? _frame;
    Generator? _generator;

    public PanSimulation(WorldModel.WorldModel model, PanEnvOptions options, int batchSize)
    {
        _model = model;
        _options = options;
        BatchSize = batchSize;
        int limit = model.Config.Dynamics.MaxActionTokens;
        ActionSpace = new TextSpace(options.MaxActionLength ?? limit, candidates: options.Candidates, enforceCandidates: options.EnforceCandidates);
        foreach (var candidate in options.Candidates ?? [])
        {
            int tokens = model.Tokenizer.Encode(candidate).Count;
            if (tokens > limit)
                throw new ArgumentException($"The candidate action \"{candidate}\" has {tokens} tokens; this world model reads at most {limit}.", nameof(options));
        }
        // The window must fit the backbone before the first reset.
        WindowedHistory.EnsureFits(model, options.History);
    }

    public int BatchSize { get; }

    public TextSpace ActionSpace { get; }

    public bool Started => _state is not null;

    public int Turns => _history?.Turns ?? 0;

    public int Rebuilds => _history?.Rebuilds ?? 0;

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
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var frame = _model.ToModelPixels(observations);
        var state = _model.Encode(frame);
        Release();
        _history = new WindowedHistory(_model, BatchSize, _options.History);
        _frame = frame.DetachFromDisposeScope();
        _state = state.DetachFromDisposeScope();
        _generator = new Generator((ulong)seed, _model.Device);
        return clock.Elapsed;
    }

    /// <summary>One step of every trajectory: ŝ_{t+1} from the history, ô_{t+1} decoded, the reward on both.</summary>
    public (Image[] Frames, StepRewards Rewards, PanStepTiming Timing) Step(IReadOnlyList<string> actions, IImaginedReward reward, int step)
    {
        if (_history is null || _state is null || _frame is null) throw new InvalidOperationException("The simulation has not started.");
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var clock = Stopwatch.StartNew();
        var next = _history.PredictNext(_state, actions);
        var dynamics = clock.Elapsed;
        var frame = _model.Decode(next, _frame, _options.Sampling, _generator);
        var decode = clock.Elapsed - dynamics;
        var rewards = reward.Evaluate(new ImaginedStep(next, frame, actions, step));
        if (rewards.Count != BatchSize)
            throw new InvalidOperationException($"The reward function returned {rewards.Count} rewards for {BatchSize} trajectories.");
        var rewardTime = clock.Elapsed - dynamics - decode;
        var images = WorldModel.WorldModel.FromModelPixels(frame);
        _state.Dispose();
        _frame.Dispose();
        _state = next.DetachFromDisposeScope();
        _frame = frame.DetachFromDisposeScope();
        return (images, rewards, new PanStepTiming(TimeSpan.Zero, dynamics, decode, rewardTime));
    }

    /// <summary>The current latent state of trajectory <paramref name="row"/>, N × D floats, row-major.</summary>
    public float[] Latent(int row)
    {
        if (_state is null) throw new InvalidOperationException("The simulation has not started.");
        using var scope = NewDisposeScope();
        return _state[row].cpu().contiguous().data<float>().ToArray();
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
        _history?.Dispose();
        _state?.Dispose();
        _frame?.Dispose();
        _generator?.Dispose();
        (_history, _state, _frame, _generator) = (null, null, null, null);
    }
}
