namespace PanGym.Gym;

/// <summary>What <see cref="Env{TObs, TAction}.Reset"/> returns: the first observation and an info dictionary.</summary>
/// <remarks>Deconstructs like Gymnasium's tuple: <c>var (obs, info) = env.Reset(seed: 0);</c></remarks>
public sealed record ResetResult<TObs>(TObs Observation, Dictionary<string, object?> Info);
