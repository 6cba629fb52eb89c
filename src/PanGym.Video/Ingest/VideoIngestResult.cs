namespace PanGym.Data.Video;

/// <summary>What an ingest produced: the completed data set, opened, and its summary report.</summary>
/// <param name="Dataset">The data set, ready for <c>pangym train --data</c>.</param>
/// <param name="Report">The summary (also written as <see cref="VideoIngestor.ReportFileName"/> in the data set's folder).</param>
public sealed record VideoIngestResult(EpisodeDataset Dataset, VideoIngestReport Report);
