namespace PanGym.Bench;

/// <summary>The time of a planner's MPC decisions on a ShapesWorld goal task.</summary>
/// <param name="Planner">cem or random.</param>
/// <param name="Settings">Its settings (horizon, population, …).</param>
/// <param name="Reward">The imagined reward it scores with.</param>
/// <param name="MeanSeconds">Mean time per decision.</param>
/// <param name="MaxSeconds">Slowest decision.</param>
/// <param name="SequencesPerDecision">Action sequences scored per decision.</param>
/// <param name="RowsComputedPerDecision">Imagined rows computed per decision.</param>
public sealed record PlannerTiming(string Planner, string Settings, string Reward, double MeanSeconds, double MaxSeconds, int SequencesPerDecision, int RowsComputedPerDecision);
