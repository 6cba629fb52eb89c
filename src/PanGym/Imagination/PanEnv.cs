using PanGym.Gym;
using PanGym.Gym.Spaces;
using PanGym.WorldModel;

namespace PanGym.Imagination;

/// <summary>
/// A trained world model as a Gym environment (PAN's "world model as a simulator"): <see cref="Reset(int?, IReadOnlyDictionary{string, object?}?)"/>
/// takes the starting observation, <see cref="Step"/> takes a text action and steps the <see cref="ImaginationEngine"/>:
/// the dynamics f predicts ŝ_{t+1} from the history (KV cache, within the window of <see cref="PanEnvOptions.Rollout"/>),
/// the decoder g renders ô_{t+1}, the closed loop feeds h(ô_{t+1}) back (PAN §5); the frame is returned with the reward
/// and termination of a pluggable <see cref="IImaginedReward"/>.
/// </summary>
/// <remarks>
/// <para>Reset: the start frame comes through <c>options["observation"]</c> (as Gymnasium users pass extras), through the
/// typed <see cref="Reset(Image, int?, IImaginedReward?)"/>, or is drawn by <see cref="PanEnvOptions.StartObservations"/> from
/// the seeded <see cref="Env{TObs, TAction}.NpRandom"/>. <c>options["reward"]</c> replaces the reward for one episode (for
/// example a goal of that episode). The seed also fixes the decoder's noise, so a seed and actions fix the episode.</para>
/// <para>Info after a reset and every step: <c>"latent"</c> (the current latent state, N × D floats), <c>"latent_shape"</c>
/// ([N, D]), <c>"turns"</c> (turns in the history), <c>"timing"</c> (a <see cref="PanStepTiming"/>); after a step also
/// <c>"action"</c>. A step that terminates ends the episode: stepping again throws until the next reset. The environment
/// never truncates on its own; wrap it in <c>TimeLimit</c>.</para>
/// <para>Actions: a <see cref="TextSpace"/> with the candidates of <see cref="PanEnvOptions.Candidates"/>; when they are not
/// enforced, any text of allowed length and characters works, within the dynamics' action token budget.</para>
/// </remarks>
public sealed class PanEnv : Env<Image, string>
{
    /// <summary>The reset option that carries the start frame (an <see cref="Image"/>).</summary>
    public const string ObservationOption = "observation";

    /// <summary>The reset option that replaces the reward for one episode (an <see cref="IImaginedReward"/>).</summary>
    public const string RewardOption = "reward";

    /// <summary>The reset options <see cref="Reset(int?, IReadOnlyDictionary{string, object?}?)"/> accepts.</summary>
    public static IReadOnlyList<string> ResetOptionKeys { get; } = [ObservationOption, RewardOption];

    readonly PanSimulation _simulation;
    Image? _frame;
    bool _terminated;

    /// <summary>An environment over <paramref name="model"/> (not owned: dispose the model yourself).</summary>
    public PanEnv(PanWorldModel model, PanEnvOptions? options = null)
    {
        Model = model ?? throw new ArgumentNullException(nameof(model));
        Options = options ?? PanEnvOptions.Default;
        _simulation = new PanSimulation(model, Options, 1);
        ObservationSpace = new ImageSpace(model.Config.ImageSize, model.Config.ImageSize);
        Reward = Options.Reward;
    }

    /// <summary>The world model that imagines.</summary>
    public PanWorldModel Model { get; }

    /// <summary>The options.</summary>
    public PanEnvOptions Options { get; }

    /// <inheritdoc />
    public override Space<Image> ObservationSpace { get; }

    /// <summary>Text actions with the options' candidates.</summary>
    public override Space<string> ActionSpace => _simulation.ActionSpace;

    /// <summary>The reward of the current episode.</summary>
    public IImaginedReward Reward { get; private set; }

    /// <summary>Steps taken in the current episode.</summary>
    public int StepCount { get; private set; }

    /// <summary>Turns in the history the dynamics reads now (at most the window's <see cref="WorldModel.HistoryWindow.MaxTurns"/>).</summary>
    public int HistoryTurns => _simulation.Turns;

    /// <summary>The current latent state, N × D floats, row-major.</summary>
    /// <exception cref="ResetNeededException">Before the first reset.</exception>
    public float[] CurrentLatent => _simulation.Started ? _simulation.Latent(0) : throw NotReset("read the latent state of");

    /// <inheritdoc />
    public override ResetResult<Image> Reset(int? seed = null, IReadOnlyDictionary<string, object?>? options = null)
    {
        ObjectDisposedException.ThrowIf(IsClosed, this);
        SeedRng(seed);
        var unknown = options?.Keys.FirstOrDefault(key => !ResetOptionKeys.Contains(key));
        if (unknown is not null)
            throw new ArgumentException($"Unknown PanEnv reset option \"{unknown}\". Accepted: {string.Join(", ", ResetOptionKeys.Select(k => $"\"{k}\""))}.", nameof(options));
        Image observation;
        if (options is not null && options.TryGetValue(ObservationOption, out var given))
            observation = _simulation.CheckObservation(given, $"reset option \"{ObservationOption}\"");
        else if (Options.StartObservations is { } draw)
            observation = _simulation.CheckObservation(draw(NpRandom), "start frame drawn by PanEnvOptions.StartObservations");
        else
            throw new ArgumentException(
                $"PanEnv.Reset needs the start frame: pass options[\"{ObservationOption}\"] = an Image, call Reset(image, seed), or set PanEnvOptions.StartObservations.",
                nameof(options));
        Reward = options is not null && options.TryGetValue(RewardOption, out var reward)
            ? reward as IImaginedReward ?? throw new ArgumentException($"Reset option \"{RewardOption}\" must be an IImaginedReward, got {reward?.GetType().Name ?? "null"}.", nameof(options))
            : Options.Reward;
        var encode = _simulation.Start([observation], NpRandom.NextInt64());
        _frame = observation.Clone();
        _terminated = false;
        StepCount = 0;
        return new ResetResult<Image>(_frame.Clone(), _simulation.Info(0, PanStepTiming.OfReset(encode)));
    }

    /// <summary>Starts an episode at <paramref name="observation"/>; the typed form of <c>options["observation"]</c>.</summary>
    /// <param name="observation">The start frame, the model's size.</param>
    /// <param name="seed">Reseeds <see cref="Env{TObs, TAction}.NpRandom"/> and so the decoder's noise.</param>
    /// <param name="reward">This episode's reward; null for <see cref="PanEnvOptions.Reward"/>.</param>
    public ResetResult<Image> Reset(Image observation, int? seed = null, IImaginedReward? reward = null)
    {
        var options = new Dictionary<string, object?> { [ObservationOption] = observation };
        if (reward is not null) options[RewardOption] = reward;
        return Reset(seed, options);
    }

    /// <inheritdoc />
    /// <exception cref="ResetNeededException">Before the first reset, or after a step that terminated the episode.</exception>
    /// <exception cref="ArgumentException">The action is outside the action space (an enforced candidate list, its length or characters) or has too many tokens.</exception>
    public override StepResult<Image> Step(string action)
    {
        ObjectDisposedException.ThrowIf(IsClosed, this);
        if (!_simulation.Started) throw NotReset("call Step on");
        if (_terminated) throw new ResetNeededException("The PanEnv episode has terminated; call Reset before stepping again.");
        _simulation.CheckAction(action, "action");
        var (frames, rewards, timing) = _simulation.Step([action], Reward, StepCount);
        StepCount++;
        _frame = frames[0];
        _terminated = rewards.Terminated[0];
        var info = _simulation.Info(0, timing);
        info["action"] = action;
        return new StepResult<Image>(_frame.Clone(), rewards.Rewards[0], _terminated, false, info);
    }

    /// <summary>The current frame: the start frame after a reset, the last decoded frame after a step.</summary>
    public override Image Render() => _frame?.Clone() ?? throw NotReset("render");

    /// <inheritdoc />
    protected override void OnClose() => _simulation.Dispose();

    static ResetNeededException NotReset(string what) => new($"Cannot {what} PanEnv before Reset: call Reset with a start frame first.");
}
