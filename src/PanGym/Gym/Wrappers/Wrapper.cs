using PanGym.Gym.Spaces;

namespace PanGym.Gym.Wrappers;

/// <summary>
/// Gymnasium's <c>Wrapper</c>: an environment that forwards to an inner one, changing only what it overrides.
/// Closing (or disposing) the wrapper closes the wrapped environment, as closing a Gymnasium wrapper does, unless it was
/// made with <c>leaveOpen: true</c> (as a .NET <c>StreamReader</c> leaves its stream open), for an environment the caller
/// keeps using or closes itself.
/// </summary>
/// <param name="env">The environment to wrap.</param>
/// <param name="leaveOpen">Whether <see cref="Env{TObs, TAction}.Close"/> leaves <paramref name="env"/> open.</param>
public abstract class Wrapper<TObs, TAction>(Env<TObs, TAction> env, bool leaveOpen = false) : Env<TObs, TAction>
{
    EnvSpec? _spec;

    /// <summary>The wrapped environment.</summary>
    public Env<TObs, TAction> Env { get; } = env ?? throw new ArgumentNullException(nameof(env));

    /// <summary>Whether closing this wrapper leaves <see cref="Env"/> open.</summary>
    public bool LeaveOpen { get; } = leaveOpen;

    /// <summary>This wrapper's registration when one was set on it, else the wrapped environment's.</summary>
    public override EnvSpec? Spec
    {
        get => _spec ?? Env.Spec;
        set => _spec = value;
    }

    /// <inheritdoc />
    public override Space<TObs> ObservationSpace => Env.ObservationSpace;

    /// <inheritdoc />
    public override Space<TAction> ActionSpace => Env.ActionSpace;

    /// <inheritdoc />
    public override EnvMetadata Metadata => Env.Metadata;

    /// <inheritdoc />
    public override Env<TObs, TAction> Unwrapped => Env.Unwrapped;

    /// <inheritdoc />
    public override ResetResult<TObs> Reset(int? seed = null, IReadOnlyDictionary<string, object?>? options = null) => Env.Reset(seed, options);

    /// <inheritdoc />
    public override StepResult<TObs> Step(TAction action) => Env.Step(action);

    /// <inheritdoc />
    public override Image? Render() => Env.Render();

    /// <summary>Closes <see cref="Env"/>, unless <see cref="LeaveOpen"/>.</summary>
    protected override void OnClose()
    {
        if (!LeaveOpen) Env.Close();
    }

    /// <inheritdoc />
    public override string ToString() => $"{GetType().Name.Split('`')[0]}<{Env}>";
}
