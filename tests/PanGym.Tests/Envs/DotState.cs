using PanGym.Envs;

namespace PanGym.Tests.Envs;

/// <summary>DotWorld's state: the dot's centre (an array, as a user might write it) and the goal square.</summary>
public sealed record DotState(double[] Position, GoalRegion Goal);
