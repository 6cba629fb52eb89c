namespace PanGym.Bench;

/// <summary>A Qwen2.5-VL preset on one image: the processor and the vision tower per image, and the decode step after an image prompt beside the text one.</summary>
/// <param name="Preset">The vision-language preset.</param>
/// <param name="ImageSide">Side of the square image in pixels.</param>
/// <param name="Patches">Patch rows the processor made.</param>
/// <param name="ImageTokens">Tokens the image takes in the prompt (after the merger).</param>
/// <param name="ProcessorSeconds">The image processor on the image.</param>
/// <param name="VisionSeconds">The vision tower on the image.</param>
/// <param name="VisionFlops">Matrix-product FLOPs of the tower.</param>
/// <param name="Context">Tokens of the prompt.</param>
/// <param name="VisionLanguageDecodeSeconds">One cached step after the image prompt (M-RoPE, rope delta).</param>
/// <param name="TextDecodeSeconds">The same language model's step at the same context with 1-D positions.</param>
public sealed record VisionLanguageTiming(string Preset, int ImageSide, int Patches, int ImageTokens, double ProcessorSeconds, double VisionSeconds, double VisionFlops,
    int Context, double VisionLanguageDecodeSeconds, double TextDecodeSeconds);
