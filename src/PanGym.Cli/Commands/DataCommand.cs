using System.CommandLine;
using System.Globalization;
using PanGym.Data.Video;
using Spectre.Console;

namespace PanGym.Cli.Commands;

/// <summary>
/// <c>pangym data ingest</c>: turns video files (and folders of them) into an episode data set (PAN §6): shots, clips,
/// filters, captions, provenance and a summary report, with a progress bar; <c>--resume</c> continues an interrupted
/// ingest. The result trains with <c>pangym train --data</c>. Exit code 1 when some inputs failed (the others are in
/// the data set), 2 when the command could not run at all.
/// </summary>
internal static class DataCommand
{
    public static Command Create()
    {
        var command = new Command("data", "Build training data sets.");
        command.Subcommands.Add(Ingest());
        return command;
    }

    static Command Ingest()
    {
        var inputsArgument = new Argument<string[]>("inputs") { Description = "Video files and folders of videos (searched recursively).", Arity = ArgumentArity.OneOrMore };
        var outOption = new Option<DirectoryInfo>("--out") { Description = "The new data set's folder.", Required = true };
        var presetOption = new Option<string>("--preset") { Description = "Starting settings: default (32 px, for the tiny and small models), pan (256 px) or unfiltered (32 px, content filters off).", DefaultValueFactory = _ => "default" };
        var fpsOption = new Option<double?>("--fps") { Description = "Frames per second sampled from the videos (default 8)." };
        var sizeOption = new Option<int?>("--size") { Description = "Side of the square frames in pixels (default: the preset's)." };
        var clipOption = new Option<int?>("--clip-length") { Description = "Steps per clip, each clip one episode (default 8)." };
        var analysisOption = new Option<int?>("--analysis-size") { Description = "Side of the frames cuts, filters and motion are computed on (a multiple of --size; default ≥ 64)." };
        var framingOption = new Option<string>("--framing") { Description = "crop (the central square) or stretch.", DefaultValueFactory = _ => "crop" };
        var validationOption = new Option<double?>("--validation-fraction") { Description = "Share of each video's clips held out for validation (default 0.1)." };
        var minBrightnessOption = new Option<double?>("--min-brightness") { Description = "Drop clips darker than this mean luma in [0, 1]." };
        var minContrastOption = new Option<double?>("--min-contrast") { Description = "Drop clips flatter than this luma deviation." };
        var minMotionOption = new Option<double?>("--min-motion") { Description = "Drop clips with less motion energy than this (static)." };
        var maxMotionOption = new Option<double?>("--max-motion") { Description = "Drop clips with more motion energy than this (too fast)." };
        var duplicateOption = new Option<int?>("--duplicate-distance") { Description = "Perceptual-hash bits within which a clip is a near-duplicate (-1: off)." };
        var captionBytesOption = new Option<int?>("--max-caption-bytes") { Description = "Longest caption kept, in UTF-8 bytes (default 32 for 32-px data sets: the tiny and small models read at most 32; 0: no limit)." };
        var cutOption = new Option<double?>("--cut-threshold") { Description = "Colour-histogram distance above which a frame may start a new shot." };
        var captionerOption = new Option<string>("--captioner") { Description = "Who writes the actions: motion (measured camera/object motion), log (<video>.actions.txt next to each video) or endpoint (an OpenAI-compatible vision-language server).", DefaultValueFactory = _ => "motion" };
        var logFolderOption = new Option<DirectoryInfo?>("--action-logs") { Description = "With --captioner log: the folder of the action logs (default: next to each video)." };
        var endpointOption = new Option<string?>("--caption-endpoint") { Description = $"With --captioner endpoint: the server's base URL, e.g. http://localhost:8000/v1 (default ${EndpointCaptionerOptions.EndpointVariable})." };
        var modelOption = new Option<string?>("--caption-model") { Description = $"With --captioner endpoint: the model name (default ${EndpointCaptionerOptions.ModelVariable}). The API key is read from ${EndpointCaptionerOptions.ApiKeyVariable}." };
        var timeoutOption = new Option<double>("--caption-timeout") { Description = "With --captioner endpoint: seconds per request attempt.", DefaultValueFactory = _ => 120 };
        var retriesOption = new Option<int>("--caption-retries") { Description = "With --captioner endpoint: retries after 429, 5xx, timeouts and connection failures.", DefaultValueFactory = _ => 4 };
        var rateOption = new Option<double?>("--caption-rpm") { Description = "With --captioner endpoint: most requests per minute." };
        var imagesOption = new Option<int>("--caption-images") { Description = "With --captioner endpoint: most frames per request.", DefaultValueFactory = _ => 9 };
        var cacheOption = new Option<DirectoryInfo?>("--caption-cache") { Description = "With --captioner endpoint: the reply cache folder (default ~/.cache/pangym/captions)." };
        var noCacheOption = new Option<bool>("--no-caption-cache") { Description = "With --captioner endpoint: ask the model again for every clip." };
        var jobsOption = new Option<int>("--jobs") { Description = "Videos ingested at once.", DefaultValueFactory = _ => Math.Clamp(Environment.ProcessorCount / 2, 1, 4) };
        var resumeOption = new Option<bool>("--resume") { Description = "Continue an interrupted ingest into --out (same settings), skipping finished videos." };

        var command = new Command("ingest", "Turn video files into an episode data set: shots, clips, filters, captions, provenance, report.")
        {
            inputsArgument, outOption, presetOption, fpsOption, sizeOption, clipOption, analysisOption, framingOption, validationOption,
            minBrightnessOption, minContrastOption, minMotionOption, maxMotionOption, duplicateOption, cutOption, captionBytesOption,
            captionerOption, logFolderOption, endpointOption, modelOption, timeoutOption, retriesOption, rateOption, imagesOption, cacheOption, noCacheOption,
            jobsOption, resumeOption,
        };
        command.SetAction(parse =>
        {
            var preset = parse.GetValue(presetOption)!.ToLowerInvariant() switch
            {
                "default" => VideoIngestConfig.Default,
                "pan" => VideoIngestConfig.Pan,
                "unfiltered" => VideoIngestConfig.Unfiltered,
                var other => throw new ArgumentException($"Unknown --preset \"{other}\": use default, pan or unfiltered."),
            };
            var framing = parse.GetValue(framingOption)!.ToLowerInvariant() switch
            {
                "crop" => VideoFraming.CenterCrop,
                "stretch" => VideoFraming.Stretch,
                var other => throw new ArgumentException($"Unknown --framing \"{other}\": use crop or stretch."),
            };
            int size = parse.GetValue(sizeOption) ?? preset.FrameSize;
            var config = new VideoIngestConfig(
                frameSize: size,
                fps: parse.GetValue(fpsOption) ?? preset.Fps,
                clipSteps: parse.GetValue(clipOption) ?? preset.ClipSteps,
                analysisSize: parse.GetValue(analysisOption) ?? (size == preset.FrameSize ? preset.AnalysisSize : null),
                framing: framing,
                cutThreshold: parse.GetValue(cutOption) ?? preset.CutThreshold,
                cutMatchError: preset.CutMatchError,
                cutSensitivity: preset.CutSensitivity,
                cutWindow: preset.CutWindow,
                minBrightness: parse.GetValue(minBrightnessOption) ?? preset.MinBrightness,
                minContrast: parse.GetValue(minContrastOption) ?? preset.MinContrast,
                minMotion: parse.GetValue(minMotionOption) ?? preset.MinMotion,
                maxMotion: parse.GetValue(maxMotionOption) ?? preset.MaxMotion,
                duplicateDistance: parse.GetValue(duplicateOption) ?? preset.DuplicateDistance,
                validationFraction: parse.GetValue(validationOption) ?? preset.ValidationFraction,
                maxCaptionBytes: parse.GetValue(captionBytesOption) switch
                {
                    0 => null,
                    int bytes => bytes,
                    null => size == preset.FrameSize ? preset.MaxCaptionBytes : size <= 32 ? VideoIngestConfig.DefaultMaxCaptionBytes : null,
                });
            int jobs = parse.GetValue(jobsOption);
            if (jobs < 1) throw new ArgumentException($"--jobs must be at least 1, got {jobs}.");
            string captionerName = parse.GetValue(captionerOption)!.ToLowerInvariant();
            IClipCaptioner captioner = captionerName switch
            {
                "motion" => new MotionCaptioner(config.MaxCaptionBytes is int limit ? Math.Max(limit, 30) : null),
                "log" => new LogCaptioner(parse.GetValue(logFolderOption)?.FullName),
                "endpoint" => new EndpointCaptioner(EndpointCaptionerOptions.FromEnvironment(
                    parse.GetValue(endpointOption), parse.GetValue(modelOption),
                    timeout: TimeSpan.FromSeconds(parse.GetValue(timeoutOption)),
                    maxRetries: parse.GetValue(retriesOption),
                    requestsPerMinute: parse.GetValue(rateOption),
                    cacheFolder: parse.GetValue(noCacheOption) ? null : parse.GetValue(cacheOption)?.FullName ?? EndpointCaptionerOptions.DefaultCacheFolder,
                    maxImagesPerRequest: parse.GetValue(imagesOption),
                    maxCaptionBytes: config.MaxCaptionBytes)),
                var other => throw new ArgumentException($"Unknown --captioner \"{other}\": use motion, log or endpoint."),
            };
            try
            {
                var console = CliConsole.Create(Console.Out);
                string folder = parse.GetValue(outOption)!.FullName;
                console.MarkupLine(Markup.Escape($"ingesting into {folder}: {config}; {captioner.Name} captions; {jobs} video(s) at once"));
                var result = Run(console, new VideoIngestor(config, captioner, jobs), parse.GetValue(inputsArgument)!, folder, parse.GetValue(resumeOption));
                Summarise(console, result);
                return result.Report.Failures.Count == 0 ? 0 : 1;
            }
            finally
            {
                (captioner as IDisposable)?.Dispose();
            }
        });
        return command;
    }

    static VideoIngestResult Run(IAnsiConsole console, VideoIngestor ingestor, string[] inputs, string folder, bool resume)
    {
        using var cancellation = new CtrlCCancellation();
        VideoIngestResult? result = null;
        console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask("probing", maxValue: 1.0);
                var progress = new SyncProgress<VideoIngestProgress>(p =>
                {
                    task.Value = p.Fraction;
                    task.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                        $"videos {p.FilesDone}/{p.FilesTotal}  frames {p.FramesDecoded}/{p.FramesExpected}  clips kept {p.ClipsKept}, dropped {p.ClipsDropped}"));
                });
                try
                {
                    result = ingestor.IngestAsync(inputs, folder, resume, progress, cancellation.Token).GetAwaiter().GetResult();
                }
                catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
                {
                    throw new IOException($"Ingest interrupted: the finished videos are staged in {folder}.partial; run again with --resume to continue.");
                }
                task.Value = 1.0;
            });
        return result!;
    }

    static void Summarise(IAnsiConsole console, VideoIngestResult result)
    {
        var report = result.Report;
        var table = new Table().AddColumns("", "");
        table.AddRow("videos", $"{report.SourcesDone} of {report.Sources.Count} ingested" + (report.Failures.Count > 0 ? $", [red]{report.Failures.Count} failed[/]" : ""));
        table.AddRow("episodes", Markup.Escape($"{report.Episodes} clips kept ({report.TrainEpisodes} train, {report.ValidationEpisodes} validation), {report.Steps} steps"));
        table.AddRow("dropped", Markup.Escape(report.Dropped == 0 ? "none" : $"{report.Dropped}: " + string.Join(", ", report.DroppedByReason.Select(p => $"{p.Key} {p.Value}"))));
        table.AddRow("throughput", Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{report.FramesDecoded} frames in {report.Elapsed.TotalSeconds:0.0} s ({report.FramesPerSecond:0.0} frames/s)")));
        table.AddRow("captions", Markup.Escape($"{report.DistinctCaptions} distinct, {report.VocabularySize} words; most used: {string.Join(", ", report.TopWords.Take(8).Select(p => $"{p.Key} ({p.Value})"))}"));
        console.Write(table);
        foreach (var (caption, count) in report.TopCaptions.Take(5)) console.MarkupLine(Markup.Escape($"  {count,5} × {caption}"));
        foreach (var failure in report.Failures) console.MarkupLine($"[red]failed:[/] {Markup.Escape(failure.Error ?? failure.Path)}");
        if (report.Episodes == 0) console.MarkupLine("[yellow]No clip passed the filters: the data set is empty. Loosen the thresholds (--preset unfiltered) or check the videos.[/]");
        console.WriteLine($"data set: {result.Dataset.Folder}");
        console.WriteLine($"report:   {Path.Combine(result.Dataset.Folder, VideoIngestor.ReportFileName)}");
        string preset = result.Dataset.Info.FrameHeight switch
        {
            32 => "--preset small",
            256 => "--preset pan --backbone <Qwen2 folder>",
            var size => $"--preset <a model of {size}×{size} frames>",
        };
        console.WriteLine($"train:    pangym train --data {result.Dataset.Folder} {preset} --steps N --out <run>");
    }
}
