using MathNet.Numerics;
using PanGym.Backbone;

namespace PanGym.Tests.Backbone.Qwen25VL;

/// <summary>
/// A deliberately naive Qwen2.5-VL forward pass in plain C# doubles for the tests, written from transformers'
/// <c>modeling_qwen2_5_vl.py</c> and sharing no code with the library. It never reorders patches: every patch stays in
/// the processor's order, and the window attention is a mask — patch a may attend to patch b when both lie in the same
/// image and frame and, outside the full-attention blocks, in the same window of (window_size / patch / merge)² merged
/// tokens. Where the model regroups patches into windows and restores them after the merger, this reference must agree
/// with it token for token. Rotary angles, RMSNorm, the SiLU-gated MLP with biases and the merger's exact GELU are
/// written out per element. The language model runs through <see cref="NaiveQwen2Reference"/> with the M-RoPE position
/// of each frequency pair.
/// </summary>
/// <param name="weights">Every tensor by its classic Hugging Face name (<c>visual.*</c>, <c>model.*</c>, <c>lm_head.weight</c>).</param>
/// <param name="text">The language model's configuration.</param>
internal sealed class NaiveQwen25VLReference(IReadOnlyDictionary<string, double[]> weights, Qwen2Config text)
{
    private const int P = TinyQwen25VLCheckpoint.PatchSize, M = TinyQwen25VLCheckpoint.MergeSize, Tp = TinyQwen25VLCheckpoint.TemporalPatchSize;
    private const int C = TinyQwen25VLCheckpoint.VisionHidden, Heads = TinyQwen25VLCheckpoint.VisionHeads, D = C / Heads;

    /// <summary>Where a patch sits: image, frame, row and column in patches.</summary>
    private sealed record PatchPlace(int Image, int Frame, int Row, int Column);

    /// <summary>Merged image tokens [Σ tokens][hidden], per image in the processor's order.</summary>
    public double[][] VisionTower(IReadOnlyList<double[][]> imageRows, IReadOnlyList<(int T, int H, int W)> grids, IReadOnlyList<int> fullAttentionBlocks)
    {
        var places = new List<PatchPlace>();
        var rows = new List<double[]>();
        for (int image = 0; image < grids.Count; image++)
        {
            var (t, h, w) = grids[image];
            for (int r = 0; r < t * h * w; r++)
            {
                int inFrame = r % (h * w);
                int mw = inFrame % M, mh = inFrame / M % M, bw = inFrame / (M * M) % (w / M), bh = inFrame / (M * M * (w / M));
                places.Add(new PatchPlace(image, r / (h * w), bh * M + mh, bw * M + mw));
                rows.Add(imageRows[image][r]);
            }
        }
        var x = rows.Select(PatchEmbedding).ToArray();
        int windowTokens = TinyQwen25VLCheckpoint.WindowSize / P / M;
        for (int block = 0; block < TinyQwen25VLCheckpoint.VisionDepth; block++)
        {
            bool full = fullAttentionBlocks.Contains(block);
            bool MayAttend(PatchPlace a, PatchPlace b) =>
                a.Image == b.Image && a.Frame == b.Frame
                && (full || (a.Row / M / windowTokens == b.Row / M / windowTokens && a.Column / M / windowTokens == b.Column / M / windowTokens));
            var prefix = $"visual.blocks.{block}.";
            var normed = x.Select(v => RmsNorm(v, weights[prefix + "norm1.weight"])).ToArray();
            var attention = VisionAttention(normed, places, MayAttend, prefix + "attn.");
            x = x.Select((v, i) => Add(v, attention[i])).ToArray();
            var mlp = x.Select(v => Mlp(RmsNorm(v, weights[prefix + "norm2.weight"]), prefix + "mlp.")).ToArray();
            x = x.Select((v, i) => Add(v, mlp[i])).ToArray();
        }
        var tokens = new List<double[]>();
        for (int first = 0; first < x.Length; first += M * M)
        {
            var concatenated = Enumerable.Range(first, M * M).SelectMany(i => RmsNorm(x[i], weights["visual.merger.ln_q.weight"])).ToArray();
            var hidden = Linear(concatenated, "visual.merger.mlp.0.").Select(v => 0.5 * v * (1 + SpecialFunctions.Erf(v / Math.Sqrt(2)))).ToArray();
            tokens.Add(Linear(hidden, "visual.merger.mlp.2."));
        }
        return tokens.ToArray();
    }

    /// <summary>transformers' get_rope_index for images, by walking the tokens: [T][3] positions and the rope delta.</summary>
    public static (int[][] Positions, int RopeDelta) RopeIndex(int[] ids, IReadOnlyList<(int T, int H, int W)> grids)
    {
        var positions = new int[ids.Length][];
        int next = 0, image = 0;
        for (int i = 0; i < ids.Length;)
        {
            bool opensImage = ids[i] == TinyQwen25VLCheckpoint.ImageTokenId && i > 0 && ids[i - 1] == TinyQwen25VLCheckpoint.VisionStartTokenId;
            if (!opensImage)
            {
                positions[i++] = [next, next, next];
                next++;
                continue;
            }
            var (t, h, w) = grids[image++];
            int rows = h / M, columns = w / M;
            for (int k = 0; k < t * rows * columns; k++, i++)
            {
                int inFrame = k % (rows * columns);
                positions[i] = [next, next + inFrame / columns, next + inFrame % columns];
            }
            next += Math.Max(rows, columns);
        }
        return (positions, next - ids.Length);
    }

    /// <summary>
    /// Logits [T][V] of a prompt whose image tokens are given (in order), at the M-RoPE positions; <paramref name="round"/>
    /// as in <see cref="NaiveQwen2Reference"/> (the identity for exact math).
    /// </summary>
    public double[][] Logits(int[] ids, double[][] imageTokens, int[][] positions, int[] mropeSection, Func<double, double>? round = null)
    {
        var lm = new NaiveQwen2Reference(text, weights, round ?? (value => value));
        var embeddings = lm.Embeddings(ids);
        int next = 0;
        for (int i = 0; i < ids.Length; i++)
        {
            if (ids[i] == TinyQwen25VLCheckpoint.ImageTokenId) embeddings[i] = imageTokens[next++];
        }
        int Component(int pair) => pair < mropeSection[0] ? 0 : pair < mropeSection[0] + mropeSection[1] ? 1 : 2;
        return lm.LogitsOfEmbeddings(embeddings, (token, pair) => positions[token][Component(pair)]);
    }

    private double[] PatchEmbedding(double[] row)
    {
        var weight = weights["visual.patch_embed.proj.weight"];
        var result = new double[C];
        for (int o = 0; o < C; o++)
            for (int c = 0; c < 3; c++)
                for (int t = 0; t < Tp; t++)
                    for (int y = 0; y < P; y++)
                        for (int x = 0; x < P; x++)
                            result[o] += weight[(((o * 3 + c) * Tp + t) * P + y) * P + x] * row[((c * Tp + t) * P + y) * P + x];
        return result;
    }

    private double[][] VisionAttention(double[][] x, List<PatchPlace> places, Func<PatchPlace, PatchPlace, bool> mayAttend, string prefix)
    {
        var qkv = x.Select(v => Linear(v, prefix + "qkv.")).ToArray();
        var output = new double[x.Length][];
        for (int i = 0; i < x.Length; i++) output[i] = new double[C];
        for (int head = 0; head < Heads; head++)
        {
            var q = qkv.Select((v, i) => Rotate(v.AsSpan(head * D, D).ToArray(), places[i])).ToArray();
            var k = qkv.Select((v, i) => Rotate(v.AsSpan(C + head * D, D).ToArray(), places[i])).ToArray();
            var values = qkv.Select(v => v.AsSpan(2 * C + head * D, D).ToArray()).ToArray();
            for (int i = 0; i < x.Length; i++)
            {
                var allowed = Enumerable.Range(0, x.Length).Where(j => mayAttend(places[i], places[j])).ToArray();
                var scores = allowed.Select(j => q[i].Zip(k[j], (a, b) => a * b).Sum() / Math.Sqrt(D)).ToArray();
                var max = scores.Max();
                var exps = scores.Select(s => Math.Exp(s - max)).ToArray();
                var total = exps.Sum();
                for (int n = 0; n < allowed.Length; n++)
                    for (int e = 0; e < D; e++)
                        output[i][head * D + e] += exps[n] / total * values[allowed[n]][e];
            }
        }
        return output.Select(v => Linear(v, prefix + "proj.")).ToArray();
    }

    /// <summary>
    /// The vision rotary embedding of one head: pair e (of D / 2) turns by row × f(e) for e &lt; D / 4 and by
    /// column × f(e − D / 4) after, f(k) = 10000^(−2k / (D / 2)); pairs are (e, e + D / 2).
    /// </summary>
    private static double[] Rotate(double[] vector, PatchPlace place)
    {
        var result = vector.ToArray();
        int half = D / 2, quarter = D / 4;
        for (int e = 0; e < half; e++)
        {
            int position = e < quarter ? place.Row : place.Column;
            double angle = position / Math.Pow(10000.0, 2.0 * (e % quarter) / half);
            result[e] = vector[e] * Math.Cos(angle) - vector[e + half] * Math.Sin(angle);
            result[e + half] = vector[e + half] * Math.Cos(angle) + vector[e] * Math.Sin(angle);
        }
        return result;
    }

    private double[] Mlp(double[] x, string prefix)
    {
        var gate = Linear(x, prefix + "gate_proj.");
        var up = Linear(x, prefix + "up_proj.");
        return Linear(gate.Select((g, i) => g / (1 + Math.Exp(-g)) * up[i]).ToArray(), prefix + "down_proj.");
    }

    private double[] Linear(double[] x, string prefix)
    {
        var weight = weights[prefix + "weight"];
        var bias = weights[prefix + "bias"];
        var result = new double[bias.Length];
        for (int o = 0; o < result.Length; o++)
        {
            double sum = bias[o];
            for (int i = 0; i < x.Length; i++) sum += weight[o * x.Length + i] * x[i];
            result[o] = sum;
        }
        return result;
    }

    private static double[] RmsNorm(double[] x, double[] weight)
    {
        double scale = 1.0 / Math.Sqrt(x.Sum(v => v * v) / x.Length + 1e-6);
        return x.Select((v, i) => v * scale * weight[i]).ToArray();
    }

    private static double[] Add(double[] a, double[] b) => a.Select((v, i) => v + b[i]).ToArray();
}
