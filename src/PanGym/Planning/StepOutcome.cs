namespace PanGym.Planning;

/// <summary>The reward of reaching a simulator state, and whether that state ends the episode.</summary>
/// <param name="Reward">The step's reward.</param>
/// <param name="Terminated">Whether the episode ends there.</param>
public readonly record struct StepOutcome(double Reward, bool Terminated);
