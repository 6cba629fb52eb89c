namespace PanGym.Gym.Wrappers;

/// <summary>
/// Gymnasium's <c>OrderEnforcing</c>: refuses <c>Step</c> and <c>Render</c> before the first <c>Reset</c> with a
/// <see cref="ResetNeededException"/>, and any call after <c>Close</c>.
/// </summary>
/// <param name="env">The environment; closed with the wrapper unless <paramref name="leaveOpen"/>.</param>
/// <param name="leaveOpen">Whether closing the wrapper leaves <paramref name="env"/> open.</param>
public sealed class OrderEnforcing<TObs, TAction>(Env<TObs, TAction> env, bool leaveOpen = false) : Wrapper<TObs, TAction>(env, leaveOpen)
{
    /// <summary>True once <c>Reset</c> has been called.</summary>
    public bool HasReset { get; private set; }

    /// <inheritdoc />
    public override ResetResult<TObs> Reset(int? seed = null, IReadOnlyDictionary<string, object?>? options = null)
    {
        ThrowIfClosed();
        var result = base.Reset(seed, options);
        HasReset = true;
        return result;
    }

    /// <inheritdoc />
    public override StepResult<TObs> Step(TAction action)
    {
        ThrowIfClosed();
        if (!HasReset) throw new ResetNeededException($"Cannot call Step before Reset on {Env}: call Reset(seed) first.");
        return base.Step(action);
    }

    /// <inheritdoc />
    public override Image? Render()
    {
        ThrowIfClosed();
        if (!HasReset) throw new ResetNeededException($"Cannot call Render before Reset on {Env}: call Reset(seed) first.");
        return base.Render();
    }

    void ThrowIfClosed() => ObjectDisposedException.ThrowIf(IsClosed, this);
}
