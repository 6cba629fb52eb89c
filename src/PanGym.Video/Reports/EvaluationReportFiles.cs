namespace PanGym.Evaluation;

/// <summary>Where <see cref="EvaluationReportWriter.Write"/> put a report.</summary>
/// <param name="Folder">The report folder.</param>
/// <param name="Metrics">metrics.json: every figure and its interval.</param>
/// <param name="Markdown">report.md, which links the plots and videos beside it.</param>
/// <param name="Html">report.html, self-contained (inline CSS, plots and videos as data URIs).</param>
/// <param name="Figures">The plot PNGs.</param>
/// <param name="Videos">The rollout GIFs beside the truth (none without ffmpeg).</param>
/// <param name="Note">Why something is missing (for example no ffmpeg for the videos), or null.</param>
public sealed record EvaluationReportFiles(string Folder, string Metrics, string Markdown, string Html, IReadOnlyList<string> Figures,
    IReadOnlyList<string> Videos, string? Note);
