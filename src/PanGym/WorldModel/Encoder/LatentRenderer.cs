using TorchSharp.Modules;
using static TorchSharp.torch;

namespace PanGym.WorldModel;

/// <summary>
/// A light pixel head that paints a latent state: each of the N latent tokens paints its own region of the frame
/// (<see cref="EncoderConfig.GridFor"/>, the grid the encoder's queries start from) through one shared two-layer MLP.
/// Sharing the MLP across tokens makes the painting the same everywhere on the frame, so what a token learns about
/// one place holds at every place.
/// </summary>
/// <remarks>
/// Two losses use it (<see cref="PanWorldModel.Loss"/>): painting the encoding h(o) back into o keeps the encoder's codes
/// a full description of the frame (PAN starts from a pretrained vision encoder; a small encoder trained from scratch
/// would otherwise keep only what the decoder cannot copy from the previous frame, and that collapses), and painting
/// the prediction ŝ_{t+1} into o_{t+1} gives the dynamics a direct, low-noise signal of where things move. The flow
/// decoder reads the painting of ŝ as a pixel-aligned hint beside the previous frame.
/// </remarks>
public sealed class LatentRenderer : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // RegisterComponents takes the state-dict key from the field name: these keep the checkpoint's names.
    readonly Linear hidden;
    readonly Linear output;
#pragma warning restore IDE1006
    readonly int _imageSize, _rows, _columns, _channels;

    /// <summary>A renderer of <paramref name="latentTokens"/> tokens of width <paramref name="latentWidth"/> onto square frames of <paramref name="imageSize"/> pixels.</summary>
    public LatentRenderer(int imageSize, int latentTokens, int latentWidth, int channels = PanGym.Gym.Image.Channels) : base(nameof(LatentRenderer))
    {
        (_rows, _columns) = EncoderConfig.GridFor(latentTokens);
        if (imageSize % _rows != 0 || imageSize % _columns != 0)
            throw new ArgumentException($"{latentTokens} latent tokens paint a {_rows}×{_columns} grid, which does not divide a {imageSize}-pixel frame.");
        (_imageSize, _channels) = (imageSize, channels);
        hidden = nn.Linear(latentWidth, 4 * latentWidth);
        output = nn.Linear(4 * latentWidth, channels * RegionHeight * RegionWidth);
        RegisterComponents();
    }

    int RegionHeight => _imageSize / _rows;

    int RegionWidth => _imageSize / _columns;

    /// <summary>Latent states [..., N, D] → frames [..., 3, H, W] in model pixels (not clamped).</summary>
    public override Tensor forward(Tensor latents)
    {
        var leading = latents.shape[..^2];
        var regions = output.forward(nn.functional.gelu(hidden.forward(latents)));
        long k = leading.Length;
        long[] order = [.. Enumerable.Range(0, (int)k).Select(i => (long)i), k + 2, k, k + 3, k + 1, k + 4];
        return regions.reshape([.. leading, _rows, _columns, _channels, RegionHeight, RegionWidth])
            .permute(order)
            .reshape([.. leading, _channels, _imageSize, _imageSize]);
    }
}
