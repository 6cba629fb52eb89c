using System.Globalization;
using System.Text.Json.Nodes;
using PanGym.Evaluation;
using PanGym.Experiments;
using PanGym.Tests.Cli;
using PanGym.WorldModel;

namespace PanGym.Tests.Experiments;

[Collection(FFmpegCollection.Name)]
public sealed class EvaluationRunTests : IDisposable
{
    readonly TinyCheckpoint _tiny = new("evaluation-run");

    public void Dispose() => _tiny.Dispose();

    string Checkpoint => _tiny.Checkpoint;

    Func<int, IGroundTruthSimulator> Simulators(string envId) => _tiny.Simulators(envId);

    [Fact]
    public void The_report_is_what_pangym_eval_prints_and_writes()
    {
        var options = new EvaluationRunOptions(Checkpoint, new EvaluationConfig(episodes: 2, horizon: 3), new FlowSamplingOptions(steps: 2, temperature: 0));
        var stages = new List<string>();
        var report = EvaluationRun.Execute(options, Simulators("ShapesWorld-v0"), new Recorder<string>(stages.Add));

        string folder = Path.Combine(_tiny.Folder, "report");
        var (code, output, error) = CliRunner.Run("eval", "--checkpoint", Checkpoint, "--env", "ShapesWorld-v0", "--episodes", "2", "--horizon", "3", "--steps", "2", "--out", folder);
        Assert.True(code == 0, error);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"PSNR gain over copying the last frame: {report.PsnrGain:+0.00;-0.00} dB"), output);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture,
            $"rollout drift at horizon 3: PSNR {report.Drift.Psnr[^1].Mean:F2} dB (copy last {report.DriftCopyLast.Psnr[^1].Mean:F2})"), output);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"smoothness: imagined jumps {report.Smoothness.Predicted.Mean:F3} vs true {report.Smoothness.Truth.Mean:F3}"), output);
        Assert.Contains("recording 2 held-out ShapesWorld-v0 episodes", stages);
        Assert.NotNull(report.DriftOpenLoop);
        Assert.Null(report.Ablation);

        var written = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "metrics.json")))!.AsObject();
        var returned = EvaluationJson.ToJson(report);
        foreach (var json in new[] { written, returned }) json.Remove("elapsed_seconds");
        Assert.Equal(returned.ToJsonString(), written.ToJsonString());
    }

    [Fact]
    public void A_run_describes_what_it_measures_and_adds_the_ablation_where_a_frame_hides_the_state()
    {
        var options = new EvaluationRunOptions(Checkpoint, new EvaluationConfig(episodes: 2, horizon: 2), new FlowSamplingOptions(steps: 1, temperature: 0),
            compareOpenLoop: false);
        using var run = EvaluationRun.Open(options, Simulators("MomentumWorld-v0"));
        Assert.True(run.HasNoHistoryAblation);
        Assert.Equal(Checkpoint, run.Checkpoint);
        Assert.Equal(["checkpoint", "model", "decoding", "closed loop", "palette", "history window"], run.Details.Select(d => d.Key));
        Assert.Equal(run.Model.Config.ImageSize, run.Simulator.FrameSize);
        var report = run.Evaluate();
        Assert.NotNull(report.Ablation);
        Assert.Null(report.DriftOpenLoop);
    }

    [Fact]
    public void A_missing_checkpoint_is_refused_before_any_environment_is_made()
    {
        bool made = false;
        Assert.Throws<DirectoryNotFoundException>(() => EvaluationRun.Open(new EvaluationRunOptions(Path.Combine(_tiny.Folder, "nowhere")), size =>
        {
            made = true;
            return Simulators("ShapesWorld-v0")(size);
        }));
        Assert.False(made);
    }
}
