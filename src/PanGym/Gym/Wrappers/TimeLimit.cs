namespace PanGym.Gym.Wrappers;

/// <summary>Gymnasium's <c>TimeLimit</c>: truncates the episode after <see cref="MaxEpisodeSteps"/> steps.</summary>
public sealed class TimeLimit<TObs, TAction> : Wrapper<TObs, TAction>
{
    int _elapsedSteps;

    /// <summary>Wraps <paramref name="env"/> so that its episodes last at most <paramref name="maxEpisodeSteps"/> steps.</summary>
    /// <param name="env">The environment; closed with the wrapper unless <paramref name="leaveOpen"/>.</param>
    /// <param name="maxEpisodeSteps">The step budget of one episode.</param>
    /// <param name="leaveOpen">Whether closing the wrapper leaves <paramref name="env"/> open.</param>
    public TimeLimit(Env<TObs, TAction> env, int maxEpisodeSteps, bool leaveOpen = false) : base(env, leaveOpen)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEpisodeSteps, 1);
        MaxEpisodeSteps = maxEpisodeSteps;
    }

    /// <summary>The step budget of one episode.</summary>
    public int MaxEpisodeSteps { get; }

    /// <inheritdoc />
    public override ResetResult<TObs> Reset(int? seed = null, IReadOnlyDictionary<string, object?>? options = null)
    {
        _elapsedSteps = 0;
        return base.Reset(seed, options);
    }

    /// <inheritdoc />
    public override StepResult<TObs> Step(TAction action)
    {
        var result = base.Step(action);
        _elapsedSteps++;
        return _elapsedSteps >= MaxEpisodeSteps ? result with { Truncated = true } : result;
    }
}
