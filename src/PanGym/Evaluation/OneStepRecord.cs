namespace PanGym.Evaluation;

/// <summary>
/// One teacher-forced step of one predictor, as <see cref="DynamicsEvaluator"/> scored it: the aggregates of
/// <see cref="OneStepMetrics"/> are means over these, so a user can split them by a tag of their own
/// (<see cref="OneStepRecords.ByTag"/>), for example "an object was pushed" against "nothing moved".
/// </summary>
/// <param name="Episode">Index of the held-out episode (0-based, in <see cref="EvaluationConfig.EpisodeSeeds"/>' order).</param>
/// <param name="Seed">That episode's reset seed.</param>
/// <param name="Step">t: the action a_t took o_t to o_{t+1}, the frame predicted.</param>
/// <param name="Action">a_t.</param>
/// <param name="Score">The predicted o_{t+1}'s scores against the true one.</param>
/// <param name="Tag">What the caller's tag function said of this step; empty without one.</param>
public sealed record OneStepRecord(int Episode, int Seed, int Step, string Action, FrameScore Score, string Tag);
