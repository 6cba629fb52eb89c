namespace PanGym.Gym;

/// <summary>
/// What <see cref="Env{TObs, TAction}.Step"/> returns, as in Gymnasium: the next observation, the reward, whether the
/// episode reached a terminal state (<paramref name="Terminated"/>) or was cut short from outside the MDP, for example
/// by a time limit (<paramref name="Truncated"/>), and an info dictionary.
/// </summary>
/// <remarks>Deconstructs like Gymnasium's tuple: <c>var (obs, reward, terminated, truncated, info) = env.Step(a);</c></remarks>
public sealed record StepResult<TObs>(TObs Observation, double Reward, bool Terminated, bool Truncated, Dictionary<string, object?> Info);
