using PanGym.Backbone.ImageProcessing;

namespace PanGym.Backbone.Qwen25VL;

/// <summary>
/// What <see cref="Qwen25VLCheckpoint.Load"/> returns: the model with its weights, its configuration, the image processor
/// of <c>preprocessor_config.json</c>, the tokenizer when the folder has a <c>tokenizer.json</c>, and the tensor-name
/// layout the checkpoint used. Disposing it disposes the model.
/// </summary>
/// <param name="Model">The model, in eval mode, with every checkpoint tensor copied in.</param>
/// <param name="Config">The configuration read from <c>config.json</c>.</param>
/// <param name="ImageProcessor">The image processor configured by <c>preprocessor_config.json</c>.</param>
/// <param name="Tokenizer">The tokenizer, or null when the folder has none.</param>
/// <param name="Layout">How the checkpoint named its tensors.</param>
public sealed record LoadedQwen25VLCheckpoint(
    Qwen25VLModel Model, Qwen25VLConfig Config, Qwen2VLImageProcessor ImageProcessor, HuggingFaceTokenizer? Tokenizer, Qwen25VLParameterLayout Layout)
    : IDisposable
{
    /// <summary>Frees the model's weights.</summary>
    public void Dispose() => Model.Dispose();
}
