using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace PanGym.Data.Video;

/// <summary>
/// One video's ingest for a <see cref="VideoIngestor"/>: decodes it, detects cuts, segments clips, filters them (every
/// dropped clip with its reason), captions the kept ones and writes them through the shared <see cref="IngestRun"/>.
/// </summary>
internal sealed class SourceIngestStep
{
    readonly VideoIngestor _ingestor;
    readonly VideoIngestConfig _config;
    readonly IClipCaptioner _captioner;
    readonly IngestRun _run;

    /// <summary>A step for <paramref name="ingestor"/>'s settings and captioner, writing through <paramref name="run"/>.</summary>
    public SourceIngestStep(VideoIngestor ingestor, IngestRun run)
    {
        (_ingestor, _config, _captioner, _run) = (ingestor, ingestor.Config, ingestor.Captioner, run);
    }

    /// <summary>Decodes, cuts, segments, filters, captions and writes <paramref name="source"/>; an unreadable video is reported as failed.</summary>
    public async Task<VideoSourceReport> IngestAsync(VideoSource source, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var state = new SourceIngestState(source);
        try
        {
            await _captioner.PrepareAsync(source, cancellationToken).ConfigureAwait(false);
            var detector = new ShotCutDetector(_config);
            var segmenter = new ClipSegmenter(source, _config);
            await foreach (var frame in VideoFrameDecoder.DecodeAsync(source, _config.Fps, _config.AnalysisSize, _config.Framing, cancellationToken).ConfigureAwait(false))
            {
                state.Frames++;
                _run.FrameDecoded();
                bool cut = detector.Push(frame);
                if (cut) state.Cuts.Add(frame.Index);
                foreach (var clip in segmenter.Push(frame, cut)) await HandleClipAsync(clip, state, cancellationToken).ConfigureAwait(false);
            }
            foreach (var clip in segmenter.Finish()) await HandleClipAsync(clip, state, cancellationToken).ConfigureAwait(false);
            long expected = source.ExpectedFrames(_config.Fps);
            if (state.Frames == 0)
                throw new VideoIngestException(source.Path, $"ffmpeg decoded no frames from {source.Path}: the file may be truncated or its video stream empty.");
            if (expected > 0 && state.Frames < 0.9 * expected - 2)
                state.Warnings.Add(string.Create(CultureInfo.InvariantCulture,
                    $"decoded {state.Frames} frames, but its duration ({source.Duration.TotalSeconds:0.##} s) promises about {expected}: the file may be truncated"));
            return state.Report(succeeded: true, error: null, clock.Elapsed);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return state.Report(succeeded: false, e.Message, clock.Elapsed);
        }
    }

    async Task HandleClipAsync(VideoClip clip, SourceIngestState state, CancellationToken cancellationToken)
    {
        void Drop(ClipRejectionReason reason, ClipScores? scores, string? detail = null)
        {
            state.Dropped.Add(new DroppedClip(clip.Shot, clip.StartFrame, clip.Steps, clip.StartTime, clip.EndTime, reason, scores, detail));
            _run.ClipDropped();
        }

        if (clip.Steps < _config.ClipSteps)
        {
            Drop(ClipRejectionReason.TooShort, null, $"{clip.Steps} of {_config.ClipSteps} steps before the shot ended");
            return;
        }
        var scores = ClipScores.Measure(clip.Frames);
        if (ClipRejectionReasons.Check(scores, _config) is ClipRejectionReason reason)
        {
            Drop(reason, scores);
            return;
        }
        var split = _ingestor.IsValidation(state.Ordinal++) ? EpisodeSplit.Validation : EpisodeSplit.Train;
        if (_run.IsWritten(clip.Source.Id, clip.StartFrame))
        {
            state.Kept(clip.Steps);
            return;
        }
        string name = $"{clip.Source.Name} frames {clip.StartFrame}–{clip.EndFrame}";
        if (_config.DuplicateDistance >= 0 && !_run.Duplicates.TryReserve(scores, name, out string? original))
        {
            Drop(ClipRejectionReason.NearDuplicate, scores, $"like {original}");
            return;
        }
        try
        {
            IReadOnlyList<string> captions;
            try
            {
                captions = await _captioner.CaptionAsync(clip, cancellationToken).ConfigureAwait(false);
            }
            catch (MalformedCaptionReplyException e)
            {
                _run.Duplicates.Release(scores);
                Drop(ClipRejectionReason.CaptionFailed, scores, e.Message);
                return;
            }
            if (captions is null || captions.Count != clip.Steps || captions.Any(string.IsNullOrWhiteSpace))
                throw new InvalidOperationException(
                    $"The {_captioner.Name} captioner returned {captions?.Count ?? 0} captions for {clip} with {clip.Steps} steps; a captioner must return one non-empty caption per step.");
            if (_config.MaxCaptionBytes is int limit && captions.FirstOrDefault(c => Encoding.UTF8.GetByteCount(c) > limit) is { } tooLong)
            {
                _run.Duplicates.Release(scores);
                Drop(ClipRejectionReason.CaptionTooLong, scores, $"\"{tooLong}\" has {Encoding.UTF8.GetByteCount(tooLong)} bytes, more than {limit}");
                return;
            }
            var frames = clip.Frames.Select(f => FrameMath.Downsample(f.Image, _config.AnalysisScale)).ToList();
            await _run.WriteAsync(frames, captions, split, Provenance(clip, scores), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _run.Duplicates.Release(scores);
            throw;
        }
        state.Kept(clip.Steps);
        _run.ClipKept();
    }

    JsonObject Provenance(VideoClip clip, ClipScores scores) => new()
    {
        ["source"] = clip.Source.Path,
        ["source_name"] = clip.Source.Name,
        ["source_id"] = clip.Source.Id,
        ["shot"] = clip.Shot,
        ["start_frame"] = clip.StartFrame,
        ["end_frame"] = clip.EndFrame,
        ["start_time"] = Math.Round(clip.StartTime, 4),
        ["end_time"] = Math.Round(clip.EndTime, 4),
        ["fps"] = clip.Fps,
        ["captioner"] = _captioner.Name,
        ["scores"] = scores.ToJson(),
    };
}
