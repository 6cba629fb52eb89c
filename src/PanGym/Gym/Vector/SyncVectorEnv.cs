using PanGym.Gym.Spaces;

namespace PanGym.Gym.Vector;

/// <summary>
/// Gymnasium's <c>SyncVectorEnv</c>: N copies of an environment stepped together, one action each, with
/// Gymnasium's default next-step autoreset: when a sub-environment's episode ends at step t, the step after it
/// ignores that sub-environment's action, resets it, and returns the reset observation with reward 0, not terminated
/// and not truncated, and the reset's info.
/// </summary>
public sealed class SyncVectorEnv<TObs, TAction> : IDisposable
{
    readonly Env<TObs, TAction>[] _envs;
    readonly bool[] _autoreset;

    /// <summary>Builds one sub-environment per factory call.</summary>
    public SyncVectorEnv(IEnumerable<Func<Env<TObs, TAction>>> envFactories)
    {
        ArgumentNullException.ThrowIfNull(envFactories);
        _envs = envFactories.Select(make => make()).ToArray();
        if (_envs.Length == 0) throw new ArgumentException("A vector environment needs at least one sub-environment.", nameof(envFactories));
        _autoreset = new bool[_envs.Length];
    }

    /// <summary>Number of sub-environments.</summary>
    public int NumEnvs => _envs.Length;

    /// <summary>The sub-environments, in order.</summary>
    public IReadOnlyList<Env<TObs, TAction>> Envs => _envs;

    /// <summary>The observation space of one sub-environment.</summary>
    public Space<TObs> SingleObservationSpace => _envs[0].ObservationSpace;

    /// <summary>The action space of one sub-environment.</summary>
    public Space<TAction> SingleActionSpace => _envs[0].ActionSpace;

    /// <summary>Resets every sub-environment; with a seed, sub-environment i gets <c>seed + i</c>.</summary>
    public VectorResetResult<TObs> Reset(int? seed = null, IReadOnlyDictionary<string, object?>? options = null)
    {
        var observations = new TObs[NumEnvs];
        var infos = new Dictionary<string, object?>[NumEnvs];
        for (int i = 0; i < NumEnvs; i++)
        {
            (observations[i], infos[i]) = _envs[i].Reset(seed is int s ? s + i : null, options);
            _autoreset[i] = false;
        }
        return new VectorResetResult<TObs>(observations, infos);
    }

    /// <summary>Steps every sub-environment with its action (next-step autoreset for those whose episode ended).</summary>
    public VectorStepResult<TObs> Step(IReadOnlyList<TAction> actions)
    {
        ArgumentNullException.ThrowIfNull(actions);
        if (actions.Count != NumEnvs)
            throw new ArgumentException($"Expected one action per sub-environment ({NumEnvs}), got {actions.Count}.", nameof(actions));
        var result = new VectorStepResult<TObs>(new TObs[NumEnvs], new double[NumEnvs], new bool[NumEnvs], new bool[NumEnvs], new Dictionary<string, object?>[NumEnvs]);
        for (int i = 0; i < NumEnvs; i++)
        {
            if (_autoreset[i])
            {
                (result.Observations[i], result.Infos[i]) = _envs[i].Reset();
            }
            else
            {
                var (obs, reward, terminated, truncated, info) = _envs[i].Step(actions[i]);
                (result.Observations[i], result.Rewards[i], result.Terminations[i], result.Truncations[i], result.Infos[i]) = (obs, reward, terminated, truncated, info);
            }
            _autoreset[i] = result.Terminations[i] || result.Truncations[i];
        }
        return result;
    }

    /// <summary>Closes every sub-environment.</summary>
    public void Close()
    {
        foreach (var env in _envs) env.Close();
    }

    /// <inheritdoc />
    public void Dispose() => Close();
}
