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
        var generated = new List<int>();
        if (maxNewTokens == 0) return generated;

        using var noGrad = no_grad();
        using var cache = model.CreateCache(batchSize: 1, initialCapacity: promptIds.Count + maxNewTokens);
        var next = promptIds.Select(id => (long)id).ToArray();
        while (generated.Count < maxNewTokens)
        {
            using var scope = NewDisposeScope();
            var logits = model.Forward(tensor(next).view(1, next.Length), cache);
            var token = (int)logits[0, -1].argmax().item<long>();
            generated.Add(token);
            if (stopIds.Contains(token)) break;
            next = [token];
        }
        return generated;
    }
}
