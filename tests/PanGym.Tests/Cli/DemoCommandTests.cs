using System.Text.Json.Nodes;

namespace PanGym.Tests.Cli;

[Collection(FFmpegCollection.Name)]
public sealed class DemoCommandTests : IDisposable
{
    readonly string _folder = Directory.CreateTempSubdirectory("pangym-demo-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Demo_trains_evaluates_and_imagines_beside_the_truth()
    {
        var (code, output, error) = CliRunner.Run("demo", "--preset", "tiny", "--minutes", "0.05", "--episodes", "2", "--horizon", "4", "--out", _folder);
        Assert.True(code == 0, error + output);

        int train = output.IndexOf("1/3 train", StringComparison.Ordinal), evaluate = output.IndexOf("2/3 evaluate", StringComparison.Ordinal),
            imagine = output.IndexOf("3/3 imagine", StringComparison.Ordinal), done = output.IndexOf("demo done", StringComparison.Ordinal);
        Assert.True(train >= 0 && train < evaluate && evaluate < imagine && imagine < done, output);
        var trainLines = File.ReadAllLines(Path.Combine(_folder, "train", "metrics.jsonl")).Select(line => JsonNode.Parse(line)!)
            .Where(line => (string?)line["kind"] == "train").ToArray();
        Assert.NotEmpty(trainLines);
        Assert.All(trainLines, line => Assert.True(double.IsFinite((double)line["loss"]!)));
        Assert.True(File.Exists(Path.Combine(_folder, "train", "checkpoint", "model", "config.json")));

        Assert.Contains("action fidelity", output[evaluate..imagine]);
        var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(_folder, "report", "metrics.json")))!;
        foreach (var key in new[] { "action_fidelity", "psnr", "psnr_copy_last" }) Assert.NotNull(metrics[key]);
        Assert.True(File.Exists(Path.Combine(_folder, "report", "report.html")));
        Assert.True(new FileInfo(Path.Combine(_folder, "rollout.gif")).Length > 0);
    }
}
