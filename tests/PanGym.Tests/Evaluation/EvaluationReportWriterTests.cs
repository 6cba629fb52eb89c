using System.Text.Json.Nodes;
using PanGym.Envs;
using PanGym.Evaluation;
using PanGym.Media;
using PanGym.WorldModel;

namespace PanGym.Tests.Evaluation;

[Collection(FFmpegCollection.Name)]
public sealed class EvaluationReportWriterTests : IDisposable
{
    readonly string _folder = Directory.CreateTempSubdirectory("pangym-report-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    static readonly string[] HeadlineKeys =
        ["action_fidelity", "action_fidelity_ci", "psnr", "psnr_ci", "psnr_copy_last", "psnr_copy_last_ci", "ssim", "ssim_ci", "ssim_copy_last", "ssim_copy_last_ci"];

    [Fact]
    public void A_tiny_model_report_has_every_file_the_headline_keys_and_a_self_contained_page()
    {
        var config = new EvaluationConfig(episodes: 2, horizon: 4, sampleVideos: 1);
        using var simulator = GroundTruthSimulators.For(new ShapesWorld(ShapesWorldConfig.Small));
        using var model = PanGym.WorldModel.PanWorldModel.Create(WorldModelConfig.Tiny, seed: 2);
        var report = new DynamicsEvaluator(config).Evaluate(simulator, new WorldModelPredictor(model, new PanGym.Imagination.RolloutOptions(sampling: new FlowSamplingOptions(steps: 2, temperature: 0))),
            details: [new("checkpoint", "in memory")]);

        string folder = Path.Combine(_folder, "report");
        var files = EvaluationReportWriter.Write(report, folder);

        foreach (var name in new[] { "metrics.json", "report.md", "report.html", "drift-psnr.png", "drift-state.png", "rollout-1.gif" })
            Assert.True(File.Exists(Path.Combine(folder, name)), name);
        Assert.Empty(Directory.GetFiles(folder, "*.tmp*"));
        Assert.Null(files.Note);
        var metrics = JsonNode.Parse(File.ReadAllText(files.Metrics))!.AsObject();
        foreach (var key in HeadlineKeys) Assert.True(metrics.ContainsKey(key), key);
        double fidelity = metrics["action_fidelity"]!.GetValue<double>();
        Assert.InRange(fidelity, 0, 1);
        Assert.Equal(report.OneStep.Psnr.Mean, metrics["psnr"]!.GetValue<double>(), 9);
        Assert.Equal(4, metrics["drift"]!["horizons"]!.AsArray().Count);
        Assert.Equal(4, metrics["drift"]!["model"]!["psnr"]!["mean"]!.AsArray().Count);
        Assert.Equal(4, metrics["drift"]!["copy_last"]!["position_error"]!["upper"]!.AsArray().Count);
        Assert.NotNull(metrics["smoothness"]!["truth"]!["mean"]);
        Assert.Null(metrics["ablation"]);

        string html = File.ReadAllText(files.Html);
        Assert.Contains("data:image/png;base64,", html);
        Assert.Contains("data:image/gif;base64,", html);
        Assert.Contains("<style>", html);
        Assert.DoesNotContain("src=\"http", html);
        Assert.DoesNotContain("src=\"drift", html);
        string markdown = File.ReadAllText(files.Markdown);
        Assert.Contains("(drift-psnr.png)", markdown);
        Assert.Contains("(rollout-1.gif)", markdown);
        Assert.Contains("action fidelity", markdown);

        var plot = PngReader.Read(Path.Combine(folder, "drift-psnr.png"));
        Assert.Equal((ReportPlots.Height, ReportPlots.Width), (plot.Height, plot.Width));
    }

    [Fact]
    public void The_ablation_and_its_verdict_reach_the_report()
    {
        var config = new EvaluationConfig(episodes: 4, horizon: 12, seed: 5, sampleVideos: 0);
        using var simulator = GroundTruthSimulators.For(new MomentumWorld(MomentumWorldConfig.Small));
        var oracle = new OraclePredictor([.. config.EpisodeSeeds.Select(s => simulator.Record(s, config.Horizon))]);
        var report = new DynamicsEvaluator(config).Evaluate(simulator, oracle, new CopyLastFramePredictor(simulator.FrameSize));
        var files = EvaluationReportWriter.Write(report, Path.Combine(_folder, "momentum"));

        var metrics = JsonNode.Parse(File.ReadAllText(files.Metrics))!;
        Assert.Equal(1.0, metrics["action_fidelity"]!.GetValue<double>());
        Assert.Equal(PixelError.PsnrCap, metrics["psnr"]!.GetValue<double>());
        Assert.True(metrics["ablation"]!["history_helps"]!.GetValue<bool>());
        Assert.True(metrics["ablation"]!["mse_difference"]!["lower"]!.GetValue<double>() > 0);
        Assert.Contains("excludes zero", File.ReadAllText(files.Markdown));
        Assert.Empty(files.Videos);
    }

    [Fact]
    public void An_output_path_that_is_a_file_is_refused_and_left_alone()
    {
        string file = Path.Combine(_folder, "taken");
        File.WriteAllText(file, "keep me");
        var config = new EvaluationConfig(episodes: 2, horizon: 2, sampleVideos: 0);
        using var simulator = GroundTruthSimulators.For(new ShapesWorld(ShapesWorldConfig.Small));
        var report = new DynamicsEvaluator(config).Evaluate(simulator, new CopyLastFramePredictor(32));

        var e = Assert.Throws<IOException>(() => EvaluationReportWriter.Write(report, file));
        Assert.Contains("is a file", e.Message);
        Assert.Equal("keep me", File.ReadAllText(file));
        Assert.Single(Directory.GetFileSystemEntries(_folder));
    }

    [Fact]
    public void Writing_again_replaces_the_report_and_keeps_other_files()
    {
        var config = new EvaluationConfig(episodes: 2, horizon: 2, sampleVideos: 0);
        using var simulator = GroundTruthSimulators.For(new ShapesWorld(ShapesWorldConfig.Small));
        var report = new DynamicsEvaluator(config).Evaluate(simulator, new CopyLastFramePredictor(32));
        string folder = Path.Combine(_folder, "again");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "mine");

        EvaluationReportWriter.Write(report, folder);
        var files = EvaluationReportWriter.Write(report, folder);
        Assert.Equal("mine", File.ReadAllText(Path.Combine(folder, "notes.txt")));
        Assert.True(File.Exists(files.Metrics));
        Assert.Empty(Directory.GetFiles(folder, "*.tmp*"));
    }
}
