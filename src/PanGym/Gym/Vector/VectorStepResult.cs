namespace PanGym.Gym.Vector;

/// <summary>One step of a vector environment: one entry per sub-environment, as Gymnasium's batched tuple.</summary>
public sealed record VectorStepResult<TObs>(
    TObs[] Observations, double[] Rewards, bool[] Terminations, bool[] Truncations, Dictionary<string, object?>[] Infos);
