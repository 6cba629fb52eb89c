using PanGym.Backbone;
using TorchSharp;
using static TorchSharp.torch;

namespace PanGym.Tests.Backbone;

/// <summary>
/// A deliberately naive Qwen2 forward pass written from the published formulas, in plain C# doubles, sharing no code
/// with <see cref="Qwen2Model"/>: RMSNorm x / sqrt(mean(x²) + ε) · w; q, k, v = Wx + b; rotate-half RoPE with
/// inv_freq_i = θ^(−2i/d); head h reads KV head h / (heads / kvHeads); causal softmax(q·k / √d); o = W_o·attn;
/// MLP W_down(silu(W_gate x) ⊙ W_up x); final norm; logits = W_head x (W_head = embedding when tied).
/// </summary>
/// <remarks>
/// <paramref name="round"/> is applied wherever transformers' Qwen2 (with its default sdpa attention) materialises a
/// tensor in the weight dtype: the identity gives exact math (the float32 comparison); bfloat16 rounding reproduces
/// the dataflow of a bf16 model (norm output cast back before the weight, cos/sin cast, products and sums rounded,
/// attention scores and softmax in float32, probabilities cast before they mix the values).
/// </remarks>
internal sealed class NaiveQwen2Reference(Qwen2Config config, IReadOnlyDictionary<string, double[]> weights, Func<double, double> round)
{
    /// <summary>Copies a model's parameters into double arrays, by Hugging Face name.</summary>
    public static Dictionary<string, double[]> WeightsOf(Qwen2Model model)
    {
        var result = new Dictionary<string, double[]>();
        foreach (var (name, parameter) in model.named_parameters())
        {
            using var asDouble = parameter.detach().to(ScalarType.Float64).contiguous();
            result[name] = asDouble.data<double>().ToArray();
        }
        return result;
    }

    /// <summary>Rounds to the nearest bfloat16 (ties to even), as a cast to torch.bfloat16 does.</summary>
    public static double RoundToBFloat16(double value)
    {
        var bits = BitConverter.SingleToUInt32Bits((float)value);
        if (float.IsNaN((float)value)) return value;
        var rounded = (bits + 0x7FFFu + ((bits >> 16) & 1u)) & 0xFFFF0000u;
        return BitConverter.UInt32BitsToSingle(rounded);
    }

    /// <summary>Logits [T][V] for one sequence of ids at the given absolute positions (causal attention).</summary>
    public double[][] Logits(int[] ids, int[] positions) => LogitsOfEmbeddings(Embeddings(ids), (token, _) => positions[token]);

    /// <summary>The embedding rows [T][H] of <paramref name="ids"/>.</summary>
    public double[][] Embeddings(int[] ids)
    {
        var hidden = config.HiddenSize;
        return ids.Select(id => weights["model.embed_tokens.weight"].AsSpan(id * hidden, hidden).ToArray()).ToArray();
    }

    /// <summary>
    /// Logits [T][V] for input embedding rows [T][H]; <paramref name="positionOf"/>(token, i) is the position that turns
    /// frequency pair i of token's heads (the same for every i in plain RoPE; a section's component in M-RoPE).
    /// </summary>
    public double[][] LogitsOfEmbeddings(double[][] inputs, Func<int, int, int> positionOf)
    {
        var x = inputs.Select(row => row.ToArray()).ToArray();
        for (var layer = 0; layer < config.NumHiddenLayers; layer++)
        {
            var prefix = $"model.layers.{layer}.";
            var normed = x.Select(row => Norm(row, weights[prefix + "input_layernorm.weight"])).ToArray();
            var attention = Attention(normed, positionOf, prefix + "self_attn.");
            x = x.Select((row, t) => row.Select((value, i) => round(value + attention[t][i])).ToArray()).ToArray();
            var normed2 = x.Select(row => Norm(row, weights[prefix + "post_attention_layernorm.weight"])).ToArray();
            var mlp = normed2.Select(row => Mlp(row, prefix + "mlp.")).ToArray();
            x = x.Select((row, t) => row.Select((value, i) => round(value + mlp[t][i])).ToArray()).ToArray();
        }
        var head = config.TieWordEmbeddings ? weights["model.embed_tokens.weight"] : weights["lm_head.weight"];
        return x.Select(row => Linear(Norm(row, weights["model.norm.weight"]), head, null, config.VocabSize)).ToArray();
    }

    private double[] Norm(double[] x, double[] weight)
    {
        var meanSquare = x.Sum(value => value * value) / x.Length;
        var scale = 1.0 / Math.Sqrt(meanSquare + config.RmsNormEps);
        return x.Select((value, i) => round(weight[i] * round(value * scale))).ToArray();
    }

    private double[] Linear(double[] x, double[] weight, double[]? bias, int outputs)
    {
        var result = new double[outputs];
        for (var o = 0; o < outputs; o++)
        {
            var sum = bias?[o] ?? 0.0;
            for (var i = 0; i < x.Length; i++) sum += weight[o * x.Length + i] * x[i];
            result[o] = round(sum);
        }
        return result;
    }

    private double[] Mlp(double[] x, string prefix)
    {
        var gate = Linear(x, weights[prefix + "gate_proj.weight"], null, config.IntermediateSize);
        var up = Linear(x, weights[prefix + "up_proj.weight"], null, config.IntermediateSize);
        var product = gate.Select((g, i) => round(round(g / (1.0 + Math.Exp(-g))) * up[i])).ToArray();
        return Linear(product, weights[prefix + "down_proj.weight"], null, config.HiddenSize);
    }

    private double[][] Attention(double[][] x, Func<int, int, int> positionOf, string prefix)
    {
        int heads = config.NumAttentionHeads, kvHeads = config.NumKeyValueHeads, d = config.HeadDim, length = x.Length;
        var q = x.Select(row => Linear(row, weights[prefix + "q_proj.weight"], weights[prefix + "q_proj.bias"], heads * d)).ToArray();
        var k = x.Select(row => Linear(row, weights[prefix + "k_proj.weight"], weights[prefix + "k_proj.bias"], kvHeads * d)).ToArray();
        var v = x.Select(row => Linear(row, weights[prefix + "v_proj.weight"], weights[prefix + "v_proj.bias"], kvHeads * d)).ToArray();
        for (var t = 0; t < length; t++)
        {
            var token = t;
            for (var h = 0; h < heads; h++) Rotate(q[t], h * d, i => positionOf(token, i));
            for (var h = 0; h < kvHeads; h++) Rotate(k[t], h * d, i => positionOf(token, i));
        }

        var output = new double[length][];
        for (var t = 0; t < length; t++)
        {
            output[t] = new double[heads * d];
            for (var h = 0; h < heads; h++)
            {
                var kvHead = h / (heads / kvHeads);
                var scores = new double[t + 1];
                for (var s = 0; s <= t; s++)
                {
                    var dot = 0.0;
                    for (var i = 0; i < d; i++) dot += q[t][h * d + i] * k[s][kvHead * d + i];
                    scores[s] = dot / Math.Sqrt(d);
                }
                var max = scores.Max();
                var exps = scores.Select(score => Math.Exp(score - max)).ToArray();
                var total = exps.Sum();
                var probabilities = exps.Select(e => round(e / total)).ToArray();
                for (var i = 0; i < d; i++)
                {
                    var sum = 0.0;
                    for (var s = 0; s <= t; s++) sum += probabilities[s] * v[s][kvHead * d + i];
                    output[t][h * d + i] = round(sum);
                }
            }
        }
        return output.Select(row => Linear(row, weights[prefix + "o_proj.weight"], null, config.HiddenSize)).ToArray();
    }

    /// <summary>Rotate-half RoPE on one head: (a, b) ↦ (a·cos − b·sin, b·cos + a·sin) for pairs (i, i + d/2).</summary>
    private void Rotate(double[] vector, int offset, Func<int, int> positionOfPair)
    {
        var half = config.HeadDim / 2;
        for (var i = 0; i < half; i++)
        {
            var inverseFrequency = 1.0 / Math.Pow(config.RopeTheta, 2.0 * i / config.HeadDim);
            var angle = positionOfPair(i) * inverseFrequency;
            double cos = round(Math.Cos(angle)), sin = round(Math.Sin(angle));
            double a = vector[offset + i], b = vector[offset + i + half];
            vector[offset + i] = round(round(a * cos) + round(-b * sin));
            vector[offset + i + half] = round(round(b * cos) + round(a * sin));
        }
    }
}
