namespace PanGym.Data;

/// <summary>Where a generation run stands, reported after each episode is written.</summary>
/// <param name="EpisodesDone">Episodes in the data set so far (resumed ones included).</param>
/// <param name="EpisodesTotal">Episodes the data set will have.</param>
/// <param name="StepsDone">Transitions in the data set so far.</param>
/// <param name="Latest">The episode just written.</param>
public sealed record EpisodeGenerationProgress(int EpisodesDone, int EpisodesTotal, long StepsDone, EpisodeRecord Latest);
