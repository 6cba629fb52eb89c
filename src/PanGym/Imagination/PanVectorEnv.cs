using PanGym.Gym;
using PanGym.Gym.Spaces;
using PanGym.Gym.Vector;
using PanGym.WorldModel;

namespace PanGym.Imagination;

/// <summary>
/// The vector form of <see cref="PanEnv"/>: N imagined episodes stepped together, one forward pass of the dynamics and
/// one batched decode per step for all of them, each reading its own rows of one batched KV cache.
/// </summary>
/// <remarks>
/// The N histories share one cache of equal-length rows, so the episodes run in lockstep: <see cref="Reset(IReadOnlyList{Image}, int?, IImaginedReward?)"/>
/// starts all of them, and a sub-environment whose episode has terminated is not reset on its own (Gymnasium's
/// autoreset disabled): until the next reset it repeats its last frame with reward 0 and terminated set, and its
/// actions are ignored. Info per sub-environment as <see cref="PanEnv"/>'s. For latent-only rollouts of many candidate
/// plans from one history, use <see cref="BatchedImagination"/>.
/// </remarks>
public sealed class PanVectorEnv : IDisposable
{
    readonly PanSimulation _simulation;
    readonly Random _random = new();
    Image[]? _frames;
    bool[] _terminated;
    IImaginedReward _reward;
    int _step;
    Random? _seeded;
    bool _disposed;

    /// <summary>N imagined environments over <paramref name="model"/> (not owned).</summary>
    public PanVectorEnv(PanWorldModel model, int numEnvs, PanEnvOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (numEnvs < 1) throw new ArgumentOutOfRangeException(nameof(numEnvs), numEnvs, "A vector environment needs at least one sub-environment.");
        Options = options ?? PanEnvOptions.Default;
        _simulation = new PanSimulation(model, Options, numEnvs);
        SingleObservationSpace = new ImageSpace(model.Config.ImageSize, model.Config.ImageSize);
        NumEnvs = numEnvs;
        _terminated = new bool[numEnvs];
        _reward = Options.Reward;
    }

    /// <summary>Number of sub-environments N.</summary>
    public int NumEnvs { get; }

    /// <summary>The options every sub-environment shares.</summary>
    public PanEnvOptions Options { get; }

    /// <summary>The observation space of one sub-environment.</summary>
    public Space<Image> SingleObservationSpace { get; }

    /// <summary>The action space of one sub-environment.</summary>
    public Space<string> SingleActionSpace => _simulation.ActionSpace;

    /// <summary>Starts every episode at its frame in <paramref name="observations"/> (one per sub-environment).</summary>
    /// <param name="observations">N start frames of the model's size.</param>
    /// <param name="seed">Fixes the decoder's noise; null: drawn from entropy, or continuing an earlier seed's generator.</param>
    /// <param name="reward">The reward of these episodes (it scores all N rows at once); null for <see cref="PanEnvOptions.Reward"/>.</param>
    public VectorResetResult<Image> Reset(IReadOnlyList<Image> observations, int? seed = null, IImaginedReward? reward = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(observations);
        if (observations.Count != NumEnvs)
            throw new ArgumentException($"Expected one start frame per sub-environment ({NumEnvs}), got {observations.Count}.", nameof(observations));
        var frames = observations.Select((o, i) => _simulation.CheckObservation(o, $"start frame {i}").Clone()).ToArray();
        Seed(seed);
        var encode = _simulation.Start(frames, (_seeded ?? _random).NextInt64());
        return Begin(frames, reward, encode);
    }

    /// <summary>Starts every episode at a frame drawn by <see cref="PanEnvOptions.StartObservations"/>; with a seed, all N draws are fixed by it.</summary>
    /// <exception cref="ArgumentException">The options give no <see cref="PanEnvOptions.StartObservations"/>.</exception>
    public VectorResetResult<Image> Reset(int? seed = null, IImaginedReward? reward = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var draw = Options.StartObservations
            ?? throw new ArgumentException("PanVectorEnv.Reset without start frames needs PanEnvOptions.StartObservations; or pass the frames.");
        Seed(seed);
        var random = _seeded ?? _random;
        var frames = Enumerable.Range(0, NumEnvs).Select(i => _simulation.CheckObservation(draw(random), $"start frame {i} drawn by PanEnvOptions.StartObservations").Clone()).ToArray();
        var encode = _simulation.Start(frames, random.NextInt64());
        return Begin(frames, reward, encode);
    }

    /// <summary>Steps every running episode with its action (one per sub-environment) in one batched pass.</summary>
    /// <exception cref="ResetNeededException">Before the first reset.</exception>
    /// <exception cref="ArgumentException">Not one action per sub-environment, or an action outside the action space.</exception>
    public VectorStepResult<Image> Step(IReadOnlyList<string> actions)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(actions);
        if (_frames is null) throw new ResetNeededException("Cannot call Step on PanVectorEnv before Reset: call Reset with start frames first.");
        if (actions.Count != NumEnvs)
            throw new ArgumentException($"Expected one action per sub-environment ({NumEnvs}), got {actions.Count}.", nameof(actions));
        for (int i = 0; i < NumEnvs; i++)
            if (!_terminated[i]) _simulation.CheckAction(actions[i], $"action of sub-environment {i}");
        int running = Array.IndexOf(_terminated, false);
        // Finished rows still ride along in the batch (the cache's rows stay aligned); they read a running row's action and are ignored.
        var (frames, rewards, timing) = running < 0
            ? (_frames, new StepRewards(new double[NumEnvs]), PanStepTiming.None)
            : _simulation.Step(actions.Select((a, i) => _terminated[i] ? actions[running] : a).ToArray(), _reward, _step++);
        var result = new VectorStepResult<Image>(new Image[NumEnvs], new double[NumEnvs], new bool[NumEnvs], new bool[NumEnvs], new Dictionary<string, object?>[NumEnvs]);
        for (int i = 0; i < NumEnvs; i++)
        {
            bool wasDone = _terminated[i];
            if (!wasDone)
            {
                _frames[i] = frames[i];
                result.Rewards[i] = rewards.Rewards[i];
                _terminated[i] = rewards.Terminated[i];
            }
            result.Observations[i] = _frames[i].Clone();
            result.Terminations[i] = _terminated[i];
            result.Infos[i] = _simulation.Info(i, timing);
            result.Infos[i]["action"] = wasDone ? null : actions[i];
        }
        return result;
    }

    /// <summary>Frees the batched history and states.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _simulation.Dispose();
    }

    VectorResetResult<Image> Begin(Image[] frames, IImaginedReward? reward, TimeSpan encode)
    {
        _frames = frames;
        _terminated = new bool[NumEnvs];
        _reward = reward ?? Options.Reward;
        _step = 0;
        var timing = PanStepTiming.OfReset(encode);
        return new VectorResetResult<Image>(frames.Select(f => f.Clone()).ToArray(), Enumerable.Range(0, NumEnvs).Select(i => _simulation.Info(i, timing)).ToArray());
    }

    void Seed(int? seed)
    {
        if (seed is not int s) return;
        if (s < 0) throw new ArgumentOutOfRangeException(nameof(seed), s, $"The seed must be a non-negative integer, got {s}.");
        _seeded = new Random(s);
    }
}
