using System.CommandLine;
using System.Text.Json;
using PanGym.Backbone;
using PanGym.Cli.Commands;
using static TorchSharp.torch;

namespace PanGym.Tests.Backbone;

public sealed class LmCommandTests : IDisposable
{
    private readonly string _folder = TinyQwen2Checkpoint.TemporaryFolder();
    private readonly Dictionary<string, Tensor> _tensors = TinyQwen2Checkpoint.RandomTensors(tied: false, ScalarType.Float32);

    public LmCommandTests()
    {
        TinyQwen2Checkpoint.Write(_folder, _tensors, TinyQwen2Checkpoint.ConfigJson());
    }

    public void Dispose()
    {
        foreach (var tensor in _tensors.Values) tensor.Dispose();
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void LogitsPrintsEveryPositionOverTheFullVocabularyExactly()
    {
        var (exitCode, output, error) = Invoke("lm", "logits", _folder, "--ids", "1,2,3");
        Assert.True(exitCode == 0, error);
        using var json = JsonDocument.Parse(output);
        Assert.Equal([1, 2, 3], json.RootElement.GetProperty("ids").EnumerateArray().Select(id => id.GetInt32()));
        var rows = json.RootElement.GetProperty("logits").EnumerateArray().Select(row => row.EnumerateArray().Select(v => v.GetSingle()).ToArray()).ToArray();
        Assert.Equal(3, rows.Length);
        Assert.All(rows, row => Assert.Equal(TinyQwen2Checkpoint.VocabSize, row.Length));

        using var checkpoint = Qwen2Checkpoint.Load(_folder);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var expected = checkpoint.Model.Forward(tensor(new long[] { 1, 2, 3 }).view(1, 3))[0].data<float>().ToArray();
        Assert.Equal(expected, rows.SelectMany(row => row).ToArray());
    }

    [Fact]
    public void TextIsTokenizedWithTheFoldersTokenizer()
    {
        var (tokenizeCode, tokenized, _) = Invoke("lm", "tokenize", _folder, "--text", "The ball rolls.<|im_end|>");
        Assert.Equal(0, tokenizeCode);
        using var idsJson = JsonDocument.Parse(tokenized);
        var ids = idsJson.RootElement.GetProperty("ids").EnumerateArray().Select(id => id.GetInt32()).ToArray();
        var tokenizer = HuggingFaceTokenizer.FromFolder(_folder);
        Assert.Equal(tokenizer.Encode("The ball rolls.<|im_end|>"), ids);
        Assert.Equal(tokenizer.TokenToId("<|im_end|>"), ids[^1]);

        var (logitsCode, logits, _) = Invoke("lm", "logits", _folder, "--text", "The ball rolls.<|im_end|>");
        Assert.Equal(0, logitsCode);
        using var logitsJson = JsonDocument.Parse(logits);
        Assert.Equal(ids, logitsJson.RootElement.GetProperty("ids").EnumerateArray().Select(id => id.GetInt32()));
        Assert.Equal(ids.Length, logitsJson.RootElement.GetProperty("logits").GetArrayLength());
    }

    [Fact]
    public void GenerateDecodesGreedilyWithTheCache()
    {
        var (exitCode, output, error) = Invoke("lm", "generate", _folder, "--prompt", "Hello", "--max-new-tokens", "5");
        Assert.True(exitCode == 0, error);
        Assert.NotEmpty(output);

        using var checkpoint = Qwen2Checkpoint.Load(_folder);
        var prompt = checkpoint.Tokenizer!.Encode("Hello");
        var generated = GreedyDecoding.Generate(checkpoint.Model, prompt, 5, new HashSet<int>());
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var sequence = prompt.Concat(generated).Select(id => (long)id).ToArray();
        var fullLogits = checkpoint.Model.Forward(tensor(sequence).view(1, sequence.Length));
        for (var step = 0; step < generated.Count; step++)
            Assert.Equal(generated[step], (int)fullLogits[0, prompt.Count - 1 + step].argmax().item<long>());

        var (chatCode, _, chatError) = Invoke("lm", "generate", _folder, "--prompt", "Hello", "--max-new-tokens", "3", "--chat");
        Assert.True(chatCode == 0, chatError);
    }

    [Theory]
    [InlineData("logits", "{0}/absent", "--ids", "1", "not found")]
    [InlineData("logits", "{0}", "--ids", "1,320", "token id 320 is outside the vocabulary [0, 320)")]
    [InlineData("logits", "{0}", "--ids", "1,x", "\"x\" is not an integer")]
    [InlineData("logits", "{0}", "--dtype", "float32", "exactly one of --ids and --text")]
    public void BadInputGetsAClearError(string subcommand, string folderPattern, string option, string value, string expected)
    {
        var (exitCode, _, error) = Invoke("lm", subcommand, string.Format(folderPattern, _folder), option, value);
        Assert.Equal(2, exitCode);
        Assert.Contains(expected, error);
    }

    [Fact]
    public void UnsupportedDtypeIsNamed()
    {
        var (exitCode, _, error) = Invoke("lm", "logits", _folder, "--ids", "1", "--dtype", "int8");
        Assert.Equal(2, exitCode);
        Assert.Contains("--dtype: Unsupported dtype \"int8\"", error);
    }

    /// <summary>Runs <c>pangym</c> with only the lm command, capturing its output.</summary>
    internal static (int ExitCode, string Output, string Error) Invoke(params string[] args)
    {
        var root = new RootCommand("test");
        root.Subcommands.Add(LmCommand.Create());
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = root.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }
}
