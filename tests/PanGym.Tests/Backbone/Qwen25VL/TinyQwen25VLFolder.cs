using PanGym.Backbone;
using PanGym.Backbone.ImageProcessing;
using PanGym.Gym;
using static TorchSharp.torch;

namespace PanGym.Tests.Backbone.Qwen25VL;

/// <summary>
/// A tiny random Qwen2.5-VL checkpoint folder written by <see cref="TinyQwen25VLCheckpoint"/>, the tensors it holds as
/// doubles for the naive reference, and helpers that run the reference on images and prompts. Deleted on dispose.
/// </summary>
internal sealed class TinyQwen25VLFolder : IDisposable
{
    public TinyQwen25VLFolder(ScalarType dtype = ScalarType.Float32, bool tied = false, bool nestedNames = false, bool sharded = false,
        bool nestedConfig = false, long seed = 21)
    {
        Path = TinyQwen25VLCheckpoint.TemporaryFolder();
        var tensors = TinyQwen25VLCheckpoint.RandomTensors(tied, dtype, seed);
        try
        {
            var torchDtype = dtype == ScalarType.BFloat16 ? "bfloat16" : "float32";
            TinyQwen25VLCheckpoint.Write(Path, tensors,
                nestedConfig ? TinyQwen25VLCheckpoint.NestedConfigJson(tied, torchDtype) : TinyQwen25VLCheckpoint.ClassicConfigJson(tied, torchDtype),
                nestedNames, sharded);
            Weights = tensors.ToDictionary(entry => entry.Key, entry => TinyQwen25VLCheckpoint.Values(entry.Value));
            if (tied) Weights["lm_head.weight"] = Weights["model.embed_tokens.weight"];
        }
        finally
        {
            foreach (var tensor in tensors.Values) tensor.Dispose();
        }
        Text = new Qwen2Config(TinyQwen25VLCheckpoint.VocabSize, TinyQwen25VLCheckpoint.Hidden, TinyQwen25VLCheckpoint.Intermediate,
            TinyQwen25VLCheckpoint.Layers, TinyQwen25VLCheckpoint.Heads, TinyQwen25VLCheckpoint.KvHeads, ropeTheta: TinyQwen25VLCheckpoint.RopeTheta,
            tieWordEmbeddings: tied);
        Reference = new NaiveQwen25VLReference(Weights, Text);
    }

    public string Path { get; }

    /// <summary>Every tensor as doubles, by classic name.</summary>
    public Dictionary<string, double[]> Weights { get; }

    /// <summary>The language model's shape (for the reference).</summary>
    public Qwen2Config Text { get; }

    public NaiveQwen25VLReference Reference { get; }

    /// <summary>The reference's merged image tokens of several images, in order.</summary>
    public double[][] ReferenceImageTokens(IReadOnlyList<Image> images, IReadOnlyList<int>? fullAttentionBlocks = null)
    {
        var processed = images.Select(NaiveQwen2VLImageProcessorReference.PixelValues).ToArray();
        return Reference.VisionTower(processed.Select(p => p.Rows).ToArray(), processed.Select(p => p.Grid).ToArray(),
            fullAttentionBlocks ?? TinyQwen25VLCheckpoint.FullAttentionBlocks);
    }

    /// <summary>The reference's logits [T][V] of an expanded prompt.</summary>
    public double[][] ReferenceLogits(long[] ids, IReadOnlyList<Image> images)
    {
        var intIds = ids.Select(id => (int)id).ToArray();
        var grids = images.Select(image => NaiveQwen2VLImageProcessorReference.PixelValues(image).Grid).ToArray();
        var (positions, _) = NaiveQwen25VLReference.RopeIndex(intIds, grids);
        var tokens = images.Count == 0 ? [] : ReferenceImageTokens(images);
        return Reference.Logits(intIds, tokens, positions, TinyQwen25VLCheckpoint.MropeSection);
    }

    /// <summary>Largest |a − b| between a tensor [.., n] and reference rows.</summary>
    public static double MaxAbsDifference(Tensor actual, double[][] expected)
    {
        using var scope = NewDisposeScope();
        var flat = actual.to(ScalarType.Float64).contiguous().data<double>().ToArray();
        var reference = expected.SelectMany(row => row).ToArray();
        Assert.Equal(reference.Length, flat.Length);
        return flat.Zip(reference, (a, b) => Math.Abs(a - b)).Max();
    }

    /// <summary>Largest |value| of reference rows (to show that a comparison is not between near-zero numbers).</summary>
    public static double Scale(double[][] rows) => rows.SelectMany(row => row).Max(Math.Abs);

    /// <summary>A prompt with a text prefix, the given images each wrapped in vision markers, and text after, tokenized by the folder's tokenizer.</summary>
    public static string PromptText(int images, string question = "What moves in the picture?") =>
        "<|im_start|>user\n" + string.Concat(Enumerable.Repeat("<|vision_start|><|image_pad|><|vision_end|>", images)) + question + "<|im_end|>\n<|im_start|>assistant\n";

    public static ProcessedImage[] Process(Qwen2VLImageProcessor processor, IReadOnlyList<Image> images) => images.Select(processor.Process).ToArray();

    public void Dispose()
    {
        if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
    }
}
