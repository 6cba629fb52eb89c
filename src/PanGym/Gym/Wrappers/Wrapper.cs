using PanGym.Gym.Spaces;

namespace PanGym.Gym.Wrappers;

/// <summary>
/// Gymnasium's <c>Wrapper</c>: an environment that forwards to an inner one, changing only what it overrides.
/// Closing the wrapper closes the inner environment.
/// </summary>
public abstract class Wrapper<TObs, TAction>(Env<TObs, TAction> env) : Env<TObs, TAction>
{
    /// <summary>The wrapped environment.</summary>
    public Env<TObs, TAction> Env { get; } = env ?? throw new ArgumentNullException(nameof(env));

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

    /// <inheritdoc />
    protected override void OnClose() => Env.Close();

    /// <inheritdoc />
    public override string ToString() => $"{GetType().Name.Split('`')[0]}<{Env}>";
}
