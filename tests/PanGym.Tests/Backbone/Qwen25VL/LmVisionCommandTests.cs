using System.Text.Json;
using PanGym.Backbone;
using PanGym.Backbone.Qwen25VL;
using PanGym.Gym;
using PanGym.Media;
using static TorchSharp.torch;

namespace PanGym.Tests.Backbone.Qwen25VL;

public sealed class LmVisionCommandTests : IDisposable
{
    private readonly TinyQwen25VLFolder _folder = new(seed: 31);
    private readonly Image[] _images = [TestImages.Random(12, 20, seed: 21), TestImages.Random(13, 22, seed: 22)];
    private readonly string[] _imagePaths;

    public LmVisionCommandTests()
    {
        _imagePaths = _images.Select((image, i) => Path.Combine(_folder.Path, $"image{i}.png")).ToArray();
        for (int i = 0; i < _images.Length; i++) File.WriteAllBytes(_imagePaths[i], PngEncoder.Encode(_images[i]));
    }

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void VisionPrintsPixelValuesAndEmbeddingsThatMatchTheReference()
    {
        var (exitCode, output, error) = Invoke("lm", "vision", _folder.Path, "--image", _imagePaths[1]);
        Assert.True(exitCode == 0, error);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal([1, 6, 12], root.GetProperty("grid_thw").EnumerateArray().Select(v => v.GetInt32()));
        Assert.Equal([72, TinyQwen25VLCheckpoint.PatchRowWidth], root.GetProperty("pixel_values_shape").EnumerateArray().Select(v => v.GetInt32()));
        var pixels = Rows(root.GetProperty("pixel_values"));
        var (expectedPixels, _) = NaiveQwen2VLImageProcessorReference.PixelValues(_images[1]);
        Assert.True(MaxAbs(pixels, expectedPixels) <= 1e-6, $"pixel values max |Δ| = {MaxAbs(pixels, expectedPixels)}");
        var embeddings = Rows(root.GetProperty("embeddings"));
        Assert.Equal(18, embeddings.Length);
        var expected = _folder.ReferenceImageTokens([_images[1]]);
        Assert.True(MaxAbs(embeddings, expected) < 1e-4, $"embeddings max |Δ| = {MaxAbs(embeddings, expected)}");
    }

    [Fact]
    public void LogitsExpandEachImagePadAndPrintTheThreeDimensionalPositions()
    {
        var text = TinyQwen25VLFolder.PromptText(2, "Which one changed?");
        var (exitCode, output, error) = Invoke("lm", "logits", _folder.Path, "--text", text, "--image", _imagePaths[0], "--image", _imagePaths[1]);
        Assert.True(exitCode == 0, error);
        using var json = JsonDocument.Parse(output);
        var ids = json.RootElement.GetProperty("ids").EnumerateArray().Select(v => v.GetInt64()).ToArray();
        Assert.Equal(15 + 18, ids.Count(id => id == TinyQwen25VLCheckpoint.ImageTokenId));
        var positions = json.RootElement.GetProperty("position_ids").EnumerateArray().Select(row => row.EnumerateArray().Select(v => v.GetInt32()).ToArray()).ToArray();
        Assert.Equal(3, positions.Length);
        var (expectedPositions, _) = NaiveQwen25VLReference.RopeIndex(ids.Select(id => (int)id).ToArray(), [(1, 6, 10), (1, 6, 12)]);
        for (int component = 0; component < 3; component++) Assert.Equal(expectedPositions.Select(p => p[component]), positions[component]);
        var logits = Rows(json.RootElement.GetProperty("logits"));
        var expected = _folder.ReferenceLogits(ids, _images);
        Assert.True(MaxAbs(logits, expected) < 1e-4, $"logits max |Δ| = {MaxAbs(logits, expected)}");
    }

    [Fact]
    public void GenerateDescribesAnImageInTheChatTemplate()
    {
        var (exitCode, output, error) = Invoke("lm", "generate", _folder.Path, "--image", _imagePaths[0], "--prompt", "Describe the image.", "--chat", "--max-new-tokens", "6");
        Assert.True(exitCode == 0, error);
        using var checkpoint = Qwen25VLCheckpoint.Load(_folder.Path);
        var text = ChatTemplate.Render([new ChatMessage("user", Qwen25VLPrompt.ImagePlaceholder + "Describe the image.")], addGenerationPrompt: true);
        var prompt = Qwen25VLPrompt.Expand(checkpoint.Tokenizer!.Encode(text), [checkpoint.ImageProcessor.Process(_images[0])], checkpoint.Config);
        var stop = new HashSet<int> { TinyQwen25VLCheckpoint.SpecialTokenIds["<|im_end|>"] };
        var generated = GreedyDecoding.Generate(checkpoint.Model, prompt, 6, stop);
        var visible = generated.Count > 0 && stop.Contains(generated[^1]) ? generated.Take(generated.Count - 1) : generated;
        Assert.Equal(checkpoint.Tokenizer.Decode(visible), output.TrimEnd('\n'));
    }

    [Fact]
    public void BadVisionInputGetsAClearError()
    {
        var (code, _, error) = Invoke("lm", "logits", _folder.Path, "--text", TinyQwen25VLFolder.PromptText(2), "--image", _imagePaths[0]);
        Assert.Equal(2, code);
        Assert.Contains("2 <|image_pad|> token(s) but 1 image(s)", error);

        var notPng = Path.Combine(_folder.Path, "config.json");
        (code, _, error) = Invoke("lm", "vision", _folder.Path, "--image", notPng);
        Assert.Equal(2, code);
        Assert.Contains("is not a PNG file", error);

        var textFolder = TinyQwen2Checkpoint.TemporaryFolder();
        var tensors = TinyQwen2Checkpoint.RandomTensors(tied: false, ScalarType.Float32);
        try
        {
            TinyQwen2Checkpoint.Write(textFolder, tensors, TinyQwen2Checkpoint.ConfigJson());
            (code, _, error) = Invoke("lm", "vision", textFolder, "--image", _imagePaths[0]);
            Assert.Equal(2, code);
            Assert.Contains("is not a Qwen2.5-VL checkpoint", error);
            (code, _, error) = Invoke("lm", "logits", textFolder, "--ids", "1,2", "--image", _imagePaths[0]);
            Assert.Equal(2, code);
            Assert.Contains("--image needs a Qwen2.5-VL folder", error);
        }
        finally
        {
            foreach (var tensor in tensors.Values) tensor.Dispose();
            Directory.Delete(textFolder, recursive: true);
        }
    }

    private static double[][] Rows(JsonElement matrix) =>
        matrix.EnumerateArray().Select(row => row.EnumerateArray().Select(v => (double)v.GetSingle()).ToArray()).ToArray();

    private static double MaxAbs(double[][] actual, double[][] expected)
    {
        Assert.Equal(expected.Length, actual.Length);
        return actual.Zip(expected, (a, b) => a.Zip(b, (x, y) => Math.Abs(x - y)).Max()).Max();
    }

    private static (int ExitCode, string Output, string Error) Invoke(params string[] args) => LmCommandTests.Invoke(args);
}
