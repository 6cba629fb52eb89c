using System.CommandLine;
using PanGym.Bench;

namespace PanGym.Tests.Bench;

public sealed class LmBenchmarkTests
{
    /// <summary>The bench tool's command tree, as <c>pangym-bench</c> has it.</summary>
    static RootCommand BenchRoot()
    {
        var root = new RootCommand("test");
        BenchCommands.AddTo(root);
        return root;
    }

    [Fact]
    public void BenchLmPrintsATableAndTheRatios()
    {
        var root = BenchRoot();
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = root.Parse(["lm", "--presets", "tiny", "--contexts", "4,8", "--decode-steps", "1", "--repetitions", "1"])
            .Invoke(new InvocationConfiguration { Output = output, Error = error });
        Assert.True(exitCode == 0, error.ToString());
        var text = output.ToString();
        Assert.Contains("matmul peak", text);
        Assert.Contains("decode cached ms/token", text);
        Assert.Contains("prefill tokens/s", text);
        Assert.Contains("tiny: uncached/cached at 8 =", text);
        Assert.Contains("cached 8 vs 4 =", text);
    }

    [Fact]
    public void BenchLmReportsTheVisionTowerAndTheVisionLanguageDecodeStep()
    {
        var root = BenchRoot();
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = root.Parse(["lm", "--presets", "tiny-vl", "--image-size", "56", "--decode-steps", "1", "--repetitions", "1"])
            .Invoke(new InvocationConfiguration { Output = output, Error = error });
        Assert.True(exitCode == 0, error.ToString());
        var text = output.ToString();
        Assert.Contains("Qwen2.5-VL", text);
        Assert.Contains("matmul peak", text);
        Assert.Contains("vision ms/image", text);
        Assert.Contains("VL decode ms/token", text);
        Assert.Contains("text decode ms/token", text);
        Assert.Contains("│ tiny-vl │ 56²", text);
        Assert.DoesNotContain("decode cached ms/token", text);
    }

    [Fact]
    public void UnknownPresetIsRefused()
    {
        var root = BenchRoot();
        var error = new StringWriter();
        var exitCode = root.Parse(["lm", "--presets", "gpt5"]).Invoke(new InvocationConfiguration { Output = new StringWriter(), Error = error });
        Assert.Equal(1, exitCode);
        Assert.Contains("--presets must list some of tiny, qwen2.5-0.5b", error.ToString());
    }
}
