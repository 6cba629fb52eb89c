namespace PanGym.Backbone;

/// <summary>
/// What <see cref="Qwen2Checkpoint.Load"/> returns: the model with its weights, its configuration, and the tokenizer
/// when the folder has a <c>tokenizer.json</c>. Disposing it disposes the model.
/// </summary>
/// <param name="Model">The model, in eval mode, with every checkpoint tensor copied in.</param>
/// <param name="Config">The configuration read from <c>config.json</c>.</param>
/// <param name="Tokenizer">The tokenizer from <c>tokenizer.json</c> (+ <c>tokenizer_config.json</c>), or null when absent.</param>
public sealed record LoadedQwen2Checkpoint(Qwen2Model Model, Qwen2Config Config, HuggingFaceTokenizer? Tokenizer) : IDisposable
{
    /// <summary>Frees the model's weights.</summary>
    public void Dispose() => Model.Dispose();
}
