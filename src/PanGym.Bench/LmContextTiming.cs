namespace PanGym.Bench;

/// <summary>The Qwen2 backbone at one context length: cached and uncached decode, prefill, and their matrix-product FLOPs.</summary>
/// <param name="Preset">The backbone preset.</param>
/// <param name="Context">Tokens of context.</param>
/// <param name="CachedSeconds">One token on a KV cache holding the context.</param>
/// <param name="UncachedSeconds">One forward over context + 1 tokens, logits of the last only.</param>
/// <param name="PrefillSeconds">The context into an empty cache.</param>
/// <param name="CachedFlops">FLOPs of the cached step.</param>
/// <param name="UncachedFlops">FLOPs of the uncached forward.</param>
/// <param name="PrefillFlops">FLOPs of the prefill.</param>
public sealed record LmContextTiming(string Preset, int Context, double CachedSeconds, double UncachedSeconds, double PrefillSeconds,
    double CachedFlops, double UncachedFlops, double PrefillFlops);
