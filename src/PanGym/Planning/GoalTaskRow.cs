namespace PanGym.Planning;

/// <summary>One controller's runs over a comparison's tasks.</summary>
/// <param name="Controller">The controller's name.</param>
/// <param name="Result">Its runs, success rate and decision times.</param>
public sealed record GoalTaskRow(string Controller, GoalTaskResult Result);
