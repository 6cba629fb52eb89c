namespace PanGym.Gym.Vector;

/// <summary>The reset of a vector environment: one observation and info per sub-environment.</summary>
public sealed record VectorResetResult<TObs>(TObs[] Observations, Dictionary<string, object?>[] Infos);
