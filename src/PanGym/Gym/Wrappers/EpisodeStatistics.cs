namespace PanGym.Gym.Wrappers;

/// <summary>The summary of one finished episode (Gymnasium's <c>info["episode"]</c>: r, l, t).</summary>
/// <param name="Return">Sum of rewards (r).</param>
/// <param name="Length">Number of steps (l).</param>
/// <param name="ElapsedSeconds">Wall time from reset to the last step (t).</param>
public sealed record EpisodeStatistics(double Return, int Length, double ElapsedSeconds);
