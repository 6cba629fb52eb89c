using PanGym.Backbone.Qwen25VL;
using static TorchSharp.torch;

namespace PanGym.Backbone;

/// <summary>Greedy (arg-max) text generation with the KV cache: the prompt is prefilled once, then one token per step.</summary>
public static class GreedyDecoding
{
    /// <summary>
    /// Generates up to <paramref name="maxNewTokens"/> ids after <paramref name="promptIds"/>, stopping after the first
    /// id in <paramref name="stopIds"/> (which is included in the result). Each step costs O(context), not a rerun of
    /// the history. Runs under <c>no_grad</c> with a dispose scope per step.
    /// </summary>
    /// <returns>The new ids only.</returns>
    /// <exception cref="ArgumentException">The prompt is empty or holds an id outside the vocabulary.</exception>
    public static IReadOnlyList<int> Generate(Qwen2Model model, IReadOnlyList<int> promptIds, int maxNewTokens, IReadOnlySet<int> stopIds)
    {
        if (promptIds.Count == 0) throw new ArgumentException("Greedy decoding needs at least one prompt token.", nameof(promptIds));
        ArgumentOutOfRangeException.ThrowIfNegative(maxNewTokens);
        if (maxNewTokens == 0) return [];
        using var cache = model.CreateCache(batchSize: 1, initialCapacity: promptIds.Count + maxNewTokens);
        var prompt = promptIds.Select(id => (long)id).ToArray();
        return Decode(maxNewTokens, stopIds,
            () => model.Forward(tensor(prompt).view(1, prompt.Length), cache),
            token => model.Forward(tensor(new long[] { token }).view(1, 1), cache));
    }

    /// <summary>
    /// Greedy decoding for Qwen2.5-VL: the prompt (text and images) is prefilled once at its 3-D positions, then each new
    /// token is read at position L + rope delta (<see cref="Qwen25VLModel.DecodeStep"/>). Stops as the text overload does.
    /// </summary>
    /// <returns>The new ids only.</returns>
    /// <exception cref="ArgumentException">The prompt is empty or its images do not match its image tokens.</exception>
    public static IReadOnlyList<int> Generate(Qwen25VLModel model, Qwen25VLPrompt prompt, int maxNewTokens, IReadOnlySet<int> stopIds)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(prompt);
        if (prompt.Ids.Length == 0) throw new ArgumentException("Greedy decoding needs at least one prompt token.", nameof(prompt));
        ArgumentOutOfRangeException.ThrowIfNegative(maxNewTokens);
        if (maxNewTokens == 0) return [];
        var ropeDelta = model.Positions(prompt).RopeDelta;
        using var cache = model.CreateCache(batchSize: 1, initialCapacity: prompt.Ids.Length + maxNewTokens);
        return Decode(maxNewTokens, stopIds,
            () => model.Forward(prompt, cache),
            token => model.DecodeStep(tensor(new long[] { token }).view(1, 1), cache, ropeDelta));
    }

    /// <summary>The decoding loop: prefill once, then arg-max one token at a time, a dispose scope per step, no gradients.</summary>
    private static List<int> Decode(int maxNewTokens, IReadOnlySet<int> stopIds, Func<Tensor> prefill, Func<long, Tensor> step)
    {
        using var noGrad = no_grad();
        var generated = new List<int>();
        while (generated.Count < maxNewTokens)
        {
            using var scope = NewDisposeScope();
            var logits = generated.Count == 0 ? prefill() : step(generated[^1]);
            var token = (int)logits[0, -1].argmax().item<long>();
            generated.Add(token);
            if (stopIds.Contains(token)) break;
        }
        return generated;
    }
}
