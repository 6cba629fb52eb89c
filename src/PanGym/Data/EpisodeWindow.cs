namespace PanGym.Data;

/// <summary>
/// A window of an episode: frames <see cref="Start"/> … <see cref="Start"/> + L and the L actions between them
/// (<see cref="Actions"/>[k] takes frame Start + k to frame Start + k + 1).
/// </summary>
/// <param name="EpisodeId">The episode's id in its data set.</param>
/// <param name="Start">Index of the window's first frame in the episode.</param>
/// <param name="Actions">The window's L actions.</param>
public sealed record EpisodeWindow(string EpisodeId, int Start, IReadOnlyList<string> Actions);
