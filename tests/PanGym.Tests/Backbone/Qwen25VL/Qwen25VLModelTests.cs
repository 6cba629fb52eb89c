using PanGym.Backbone;
using PanGym.Backbone.ImageProcessing;
using PanGym.Backbone.Qwen25VL;
using PanGym.Gym;
using static TorchSharp.torch;
using PanGym.IO;

namespace PanGym.Tests.Backbone.Qwen25VL;

public sealed class Qwen25VLModelTests : IDisposable
{
    private readonly TinyQwen25VLFolder _folder = new();

    /// <summary>12 × 20 needs no resizing (3 × 5 merged tokens: windows of 2 × 2, 2 × 1, 1 × 2 and 1 × 1); 13 × 22 is resized; 16 × 16 fills its windows exactly.</summary>
    private static readonly Image[] Images = [TestImages.Random(12, 20, seed: 1), TestImages.Random(13, 22, seed: 2), TestImages.Random(16, 16, seed: 3)];

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void WindowLayoutFollowsTransformersGetWindowIndex()
    {
        var config = Qwen25VLConfig.FromFile(Path.Combine(_folder.Path, "config.json")).Vision;
        var layout = VisionPatchLayout.For([new ImageGrid(1, 6, 10), new ImageGrid(1, 8, 8)], config);
        // 3 × 5 merged tokens in windows of 2 × 2, row-major over the windows; then the 4 × 4 image offset by 15.
        long[] first = [0, 1, 5, 6, 2, 3, 7, 8, 4, 9, 10, 11, 12, 13, 14];
        long[] second = [0, 1, 4, 5, 2, 3, 6, 7, 8, 9, 12, 13, 10, 11, 14, 15];
        Assert.Equal(first.Concat(second.Select(i => i + 15)), layout.WindowOrder);
        Assert.Equal([16, 16, 8, 8, 8, 4, 16, 16, 16, 16], layout.WindowLengths);
        Assert.Equal([60, 64], layout.FrameLengths);
        Assert.All(Enumerable.Range(0, layout.WindowOrder.Length), i => Assert.Equal(i, layout.RestoreOrder[layout.WindowOrder[i]]));
        // Patch 5 of the first image is merge block (0, 1), inner (0, 1): row 0, column 3.
        Assert.Equal((0, 3), (layout.PatchRows[5], layout.PatchColumns[5]));
    }

    [Fact]
    public void VisionEmbeddingsMatchTheNaiveReference()
    {
        using var checkpoint = Qwen25VLCheckpoint.Load(_folder.Path);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var processed = TinyQwen25VLFolder.Process(checkpoint.ImageProcessor, Images);
        var embeddings = checkpoint.Model.EncodeImages(processed);
        Assert.Equal([15L + 18 + 16, TinyQwen25VLCheckpoint.Hidden], embeddings.shape);
        var expected = _folder.ReferenceImageTokens(Images);
        var difference = TinyQwen25VLFolder.MaxAbsDifference(embeddings, expected);
        Console.WriteLine($"vision embeddings F32: max |Δ| = {difference:E2} (scale {TinyQwen25VLFolder.Scale(expected):F2})");
        Assert.True(TinyQwen25VLFolder.Scale(expected) > 0.5, "embeddings too small for a meaningful comparison");
        Assert.True(difference < 1e-4, $"max |Δ| = {difference}");

        // Window attention matters: a reference that attends over whole frames in every block disagrees.
        var allFull = _folder.ReferenceImageTokens(Images, [0, 1, 2]);
        Assert.True(TinyQwen25VLFolder.MaxAbsDifference(embeddings, allFull) > 1e-2, "window attention made no difference");
        // Each image is encoded on its own: the same image alone gives the same tokens.
        var alone = checkpoint.Model.EncodeImages([processed[1]]);
        Assert.True(TestModels.MaxAbsDiff(alone, embeddings.narrow(0, 15, 18)) < 1e-5);
    }

    [Fact]
    public void PositionIdsFollowGetRopeIndexOnAHandWorkedPrompt()
    {
        var config = Qwen25VLConfig.FromFile(Path.Combine(_folder.Path, "config.json"));
        int start = config.VisionStartTokenId, pad = config.ImageTokenId, end = config.VisionEndTokenId;
        // Three text tokens, an image of 2 × 3 merged tokens (grid 1 × 4 × 6), two text tokens.
        long[] ids = [10, 11, 12, start, pad, pad, pad, pad, pad, pad, end, 13, 14];
        var positions = MultimodalPositions.Compute(ids, [new ImageGrid(1, 4, 6)], config);
        Assert.Equal([0L, 1, 2, 3, 4, 4, 4, 4, 4, 4, 7, 8, 9], positions.Temporal);
        Assert.Equal([0L, 1, 2, 3, 4, 4, 4, 5, 5, 5, 7, 8, 9], positions.Height);
        Assert.Equal([0L, 1, 2, 3, 4, 5, 6, 4, 5, 6, 7, 8, 9], positions.Width);
        Assert.Equal(10 - 13, positions.RopeDelta);

        var textOnly = MultimodalPositions.Compute([5, 6, 7], [], config);
        Assert.Equal([0L, 1, 2], textOnly.Height);
        Assert.Equal(0, textOnly.RopeDelta);
        Assert.Throws<ArgumentException>(() => MultimodalPositions.Compute(ids, [], config));
    }

    [Fact]
    public void PositionIdsMatchTheReferenceOnAPromptWithTwoImages()
    {
        using var checkpoint = Qwen25VLCheckpoint.Load(_folder.Path);
        var prompt = Prompt(checkpoint, [Images[0], Images[2]]);
        var positions = checkpoint.Model.Positions(prompt);
        var (expected, delta) = NaiveQwen25VLReference.RopeIndex(prompt.Ids.Select(id => (int)id).ToArray(),
            [(1, 6, 10), (1, 8, 8)]);
        Assert.Equal(expected.Select(p => (long)p[0]), positions.Temporal);
        Assert.Equal(expected.Select(p => (long)p[1]), positions.Height);
        Assert.Equal(expected.Select(p => (long)p[2]), positions.Width);
        Assert.Equal(delta, positions.RopeDelta);
    }

    [Fact]
    public void Float32LogitsMatchTheNaiveReference()
    {
        using var checkpoint = Qwen25VLCheckpoint.Load(_folder.Path);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var prompt = Prompt(checkpoint, [Images[0], Images[1]]);
        var logits = checkpoint.Model.Forward(prompt);
        Assert.Equal([1L, prompt.Ids.Length, TinyQwen25VLCheckpoint.VocabSize], logits.shape);
        var expected = _folder.ReferenceLogits(prompt.Ids, [Images[0], Images[1]]);
        var difference = TinyQwen25VLFolder.MaxAbsDifference(logits, expected);
        Console.WriteLine($"logits F32: max |Δ| = {difference:E2} (scale {TinyQwen25VLFolder.Scale(expected):F2}, {prompt.Ids.Length} tokens)");
        Assert.True(TinyQwen25VLFolder.Scale(expected) > 1.0);
        Assert.True(difference < 1e-4, $"max |Δ| = {difference}");
    }

    [Fact]
    public void CachedDecodeStepsEqualAFullRecompute()
    {
        using var checkpoint = Qwen25VLCheckpoint.Load(_folder.Path);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var model = checkpoint.Model;
        var prompt = Prompt(checkpoint, [Images[1]]);
        long[] continuation = [40, 41, 42, 43];
        var delta = model.Positions(prompt).RopeDelta;
        Assert.True(delta < 0, "an image spans fewer positions than tokens");

        using var cache = model.CreateCache();
        var prefill = model.Forward(prompt, cache);
        var steps = new List<Tensor> { prefill.narrow(1, prompt.Ids.Length - 1, 1) };
        steps.AddRange(continuation.Select(token => model.DecodeStep(tensor(new[] { token }).view(1, 1), cache, delta)));
        var cached = cat(steps.Take(continuation.Length).ToArray(), 1);

        var whole = model.Forward(prompt with { Ids = prompt.Ids.Concat(continuation).ToArray() });
        var recomputed = whole.narrow(1, prompt.Ids.Length - 1, continuation.Length);
        var difference = TestModels.MaxAbsDiff(cached, recomputed);
        Console.WriteLine($"cache vs recompute: max |Δ| = {difference:E2}");
        Assert.True(difference < 1e-5, $"max |Δ| = {difference}");
        var last = steps[^1];
        Assert.True(TestModels.MaxAbsDiff(last, whole.narrow(1, whole.shape[1] - 1, 1)) < 1e-5);

        var generated = GreedyDecoding.Generate(model, prompt, 4, new HashSet<int>());
        for (int step = 0; step < generated.Count; step++)
        {
            var sequence = prompt with { Ids = prompt.Ids.Concat(generated.Take(step).Select(id => (long)id)).ToArray() };
            Assert.Equal(generated[step], (int)model.Forward(sequence)[0, -1].argmax().item<long>());
        }
    }

    [Fact]
    public void TextOnlyLogitsEqualTheSameWeightsLoadedAsQwen2()
    {
        var qwen2Folder = TinyQwen25VLCheckpoint.TemporaryFolder();
        try
        {
            Directory.CreateDirectory(qwen2Folder);
            File.WriteAllText(Path.Combine(qwen2Folder, "config.json"), TinyQwen25VLCheckpoint.TextOnlyQwen2ConfigJson());
            using (var vl = SafetensorsFile.Open(Path.Combine(_folder.Path, "model.safetensors")))
            using (var scope = NewDisposeScope())
            {
                var text = vl.Tensors.Keys.Where(name => !name.StartsWith("visual.", StringComparison.Ordinal))
                    .Select(name => KeyValuePair.Create(name, vl.Read(name))).ToList();
                SafetensorsWriter.Save(Path.Combine(qwen2Folder, "model.safetensors"), text);
            }
            using var vlCheckpoint = Qwen25VLCheckpoint.Load(_folder.Path);
            using var qwen2 = Qwen2Checkpoint.Load(qwen2Folder);
            using var noGrad = no_grad();
            using var outer = NewDisposeScope();
            long[] ids = [3, 17, 99, 250, 7, 7, 130, 12, 301, 45, 46, 2];
            var vlLogits = vlCheckpoint.Model.Forward(new Qwen25VLPrompt(ids, []));
            var qwen2Logits = qwen2.Model.Forward(tensor(ids).view(1, ids.Length));
            var difference = TestModels.MaxAbsDiff(vlLogits, qwen2Logits);
            Console.WriteLine($"text-only VL vs Qwen2: max |Δ| = {difference:E2}");
            Assert.True(difference < 1e-5, $"max |Δ| = {difference}");

            using var vlCache = vlCheckpoint.Model.CreateCache();
            using var qwen2Cache = qwen2.Model.CreateCache();
            vlCheckpoint.Model.Forward(new Qwen25VLPrompt(ids, []), vlCache);
            qwen2.Model.Forward(tensor(ids).view(1, ids.Length), qwen2Cache);
            var next = tensor(new long[] { 77 }).view(1, 1);
            Assert.True(TestModels.MaxAbsDiff(vlCheckpoint.Model.DecodeStep(next, vlCache, 0), qwen2.Model.Forward(next, qwen2Cache)) < 1e-5);
        }
        finally
        {
            Directory.Delete(qwen2Folder, recursive: true);
        }
    }

    [Fact]
    public void ImageTokensMustMatchTheImages()
    {
        using var checkpoint = Qwen25VLCheckpoint.Load(_folder.Path);
        var ids = checkpoint.Tokenizer!.Encode(TinyQwen25VLFolder.PromptText(2));
        var one = TinyQwen25VLFolder.Process(checkpoint.ImageProcessor, [Images[0]]);
        var error = Assert.Throws<ArgumentException>(() => Qwen25VLPrompt.Expand(ids, one, checkpoint.Config));
        Assert.Contains("2 <|image_pad|> token(s) but 1 image(s)", error.Message);
        var tooShort = new Qwen25VLPrompt(Prompt(checkpoint, [Images[0]]).Ids.Where((_, i) => i != 8).ToArray(), one);
        using var noGrad = no_grad();
        Assert.Throws<ArgumentException>(() => checkpoint.Model.Forward(tooShort));
    }

    /// <summary>
    /// A bf16 checkpoint loaded in float32 (the default) matches the reference on its bf16 weights to 1e-4. Computing in
    /// bfloat16 cannot: each bf16 rounding is up to 0.4 % of a value, and this random model's embeddings (scale ~12) and
    /// logits (scale ~7) then sit 1–3 % off exact math at the largest entry, as a bf16 forward pass in transformers would.
    /// So in bf16 the embeddings must stay within 2 % RMS of exact math, and the language model must be no less accurate
    /// than the ideal bf16 dataflow (the reference rounding to bf16 where transformers materialises a bf16 tensor), both
    /// reading the model's own bf16 image tokens.
    /// </summary>
    [Fact]
    public void BFloat16CheckpointsMatchTheReference()
    {
        using var folder = new TinyQwen25VLFolder(ScalarType.BFloat16, seed: 5);
        using var float32 = Qwen25VLCheckpoint.Load(folder.Path);
        using var bfloat16 = Qwen25VLCheckpoint.Load(folder.Path, ScalarType.BFloat16);
        Assert.Equal(ScalarType.BFloat16, bfloat16.Model.DType);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Image[] images = [Images[0]];
        var prompt = Prompt(float32, images);
        var expectedTokens = folder.ReferenceImageTokens(images);
        var expectedLogits = folder.ReferenceLogits(prompt.Ids, images);

        var tokens32 = TinyQwen25VLFolder.MaxAbsDifference(float32.Model.EncodeImages(prompt.Images), expectedTokens);
        var logits32 = TinyQwen25VLFolder.MaxAbsDifference(float32.Model.Forward(prompt), expectedLogits);
        var bf16Tokens = bfloat16.Model.EncodeImages(prompt.Images);
        var bf16Logits = bfloat16.Model.Forward(prompt);
        Assert.Equal(ScalarType.BFloat16, bf16Logits.dtype);
        var tokens16 = TinyQwen25VLFolder.MaxAbsDifference(bf16Tokens, expectedTokens);
        var logits16 = TinyQwen25VLFolder.MaxAbsDifference(bf16Logits, expectedLogits);
        var relativeTokens = RelativeRms(bf16Tokens, expectedTokens);

        var ownTokens = Rows(bf16Tokens);
        var ids = prompt.Ids.Select(id => (int)id).ToArray();
        var (positions, _) = NaiveQwen25VLReference.RopeIndex(ids, [(1, 6, 10)]);
        var exactLm = folder.Reference.Logits(ids, ownTokens, positions, TinyQwen25VLCheckpoint.MropeSection);
        var idealLm = folder.Reference.Logits(ids, ownTokens, positions, TinyQwen25VLCheckpoint.MropeSection, NaiveQwen2Reference.RoundToBFloat16);
        var lmError = RelativeRms(bf16Logits, exactLm);
        var idealError = RelativeRms(tensor(idealLm.SelectMany(row => row).ToArray()).view(bf16Logits.shape), exactLm);
        Console.WriteLine($"BF16 weights computed in float32: embeddings max |Δ| = {tokens32:E2}, logits {logits32:E2}; computed in bfloat16: " +
            $"embeddings max |Δ| = {tokens16:E2} (RMS {relativeTokens:P2}), logits max |Δ| = {logits16:E2}; language model RMS error {lmError:P2} " +
            $"(ideal bf16 dataflow {idealError:P2}); scales {TinyQwen25VLFolder.Scale(expectedTokens):F2}, {TinyQwen25VLFolder.Scale(expectedLogits):F2}");
        Assert.True(tokens32 < 1e-4 && logits32 < 1e-4, $"float32 compute: {tokens32}, {logits32}");
        Assert.True(relativeTokens < 0.02, $"bfloat16 vision tower: relative RMS {relativeTokens}");
        Assert.True(lmError < 1.25 * idealError + 1e-3, $"bfloat16 language model error {lmError} exceeds the ideal bf16 dataflow's {idealError}");
    }

    private static double[][] Rows(Tensor matrix)
    {
        using var scope = NewDisposeScope();
        var values = matrix.to(ScalarType.Float64).contiguous().data<double>().ToArray();
        int width = (int)matrix.shape[^1];
        return Enumerable.Range(0, values.Length / width).Select(r => values.AsSpan(r * width, width).ToArray()).ToArray();
    }

    private static double RelativeRms(Tensor actual, double[][] expected)
    {
        using var scope = NewDisposeScope();
        var reference = tensor(expected.SelectMany(row => row).ToArray()).view(actual.shape);
        var error = (actual.to(ScalarType.Float64) - reference).pow(2).mean().sqrt().item<double>();
        return error / reference.pow(2).mean().sqrt().item<double>();
    }

    private static Qwen25VLPrompt Prompt(LoadedQwen25VLCheckpoint checkpoint, IReadOnlyList<Image> images) =>
        Qwen25VLPrompt.Expand(checkpoint.Tokenizer!.Encode(TinyQwen25VLFolder.PromptText(images.Count)),
            TinyQwen25VLFolder.Process(checkpoint.ImageProcessor, images), checkpoint.Config);
}
