using TorchSharp.Modules;
using static TorchSharp.torch;

namespace PanGym.WorldModel;

/// <summary>
/// The encoder h of Generative Latent Prediction (PAN §3.1): a frame becomes N continuous latent tokens. Patches are
/// embedded by a strided convolution, mixed by a small vision transformer (<see cref="EncoderConfig.Depth"/> blocks; 0
/// keeps every code local), and read out by N query tokens that cross-attend to the patches of their own region only
/// (a Perceiver-style bottleneck with a locality mask: where nothing moved, no code changes, so the dynamics has only
/// the moving part to predict). Each query starts from the average of the patches in its
/// own region of the frame (<see cref="EncoderConfig.LatentGrid"/>) plus a learned embedding, so that from the first
/// step each latent token describes what is where; with queries that were learned alone, every frame would start out
/// encoded almost alike (uniform attention reads the frame's mean) and the dynamics would have nothing to predict.
/// Each token is normalised to zero mean and unit variance over its D values (a layer norm without gains), so codes
/// keep one scale: the dynamics' latent loss and latent-distance rewards compare like with like, and training cannot
/// inflate the codes. The encoder learns by painting its codes back into the frame (<see cref="LatentRenderer"/>).
/// Deterministic.
/// </summary>
public sealed class Encoder : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // RegisterComponents takes the state-dict key from the field name: these keep the checkpoint's names.
    readonly Conv2d patchify;
    readonly Parameter positions;
    readonly ModuleList<TransformerBlock> blocks;
    readonly Parameter queries;
    readonly TransformerBlock readout;
    readonly LayerNorm norm;
    readonly Linear project;
    readonly LayerNorm scale;
#pragma warning restore IDE1006
    readonly bool[] _regionMask;

    /// <summary>Builds an encoder with freshly initialised weights.</summary>
    public Encoder(EncoderConfig config) : base(nameof(Encoder))
    {
        Config = config ?? throw new ArgumentNullException(nameof(config));
        patchify = nn.Conv2d(Channels, config.Width, config.PatchSize, stride: config.PatchSize);
        positions = nn.Parameter(randn(1, config.Patches, config.Width).mul_(0.02));
        blocks = nn.ModuleList(Enumerable.Range(0, config.Depth)
            .Select(i => new TransformerBlock($"block{i}", config.Width, config.Heads, config.Width)).ToArray());
        queries = nn.Parameter(randn(1, config.LatentTokens, config.Width).mul_(0.02));
        readout = new TransformerBlock("readout", config.Width, config.Heads, config.Width);
        norm = nn.LayerNorm(config.Width);
        project = nn.Linear(config.Width, config.LatentWidth);
        scale = nn.LayerNorm(config.LatentWidth, elementwise_affine: false);
        _regionMask = RegionMask(config);
        RegisterComponents();
    }

    const int Channels = PanGym.Gym.Image.Channels;

    /// <summary>The sizes this encoder was built with.</summary>
    public EncoderConfig Config { get; }

    /// <summary>Encodes frames [B, 3, H, W] with pixels in [−1, 1] into latent states [B, N, D].</summary>
    public override Tensor forward(Tensor frames)
    {
        if (frames.dim() != 4 || frames.shape[1] != Channels || frames.shape[2] != Config.ImageSize || frames.shape[3] != Config.ImageSize)
            throw new ArgumentException($"The encoder takes frames [B, 3, {Config.ImageSize}, {Config.ImageSize}]; got {TensorShape.Format(frames.shape)}.");
        var patches = patchify.forward(frames).flatten(2).transpose(1, 2) + positions;
        foreach (var block in blocks) patches = block.forward(patches, null);
        using var regions = tensor(_regionMask, [Config.LatentTokens, Config.Patches], device: frames.device);
        var latent = readout.Forward(queries + RegionAverages(patches), patches, regions);
        return scale.forward(project.forward(norm.forward(latent)));
    }

    /// <summary>[N, P] row-major: latent token i reads patch j only if the patch lies in the token's region of the frame.</summary>
    static bool[] RegionMask(EncoderConfig config)
    {
        int side = config.ImageSize / config.PatchSize;
        var (rows, columns) = config.LatentGrid;
        var mask = new bool[config.LatentTokens * side * side];
        for (int token = 0; token < config.LatentTokens; token++)
            for (int r = 0; r < side; r++)
                for (int c = 0; c < side; c++)
                    mask[token * side * side + r * side + c] = r * rows / side == token / columns && c * columns / side == token % columns;
        return mask;
    }

    /// <summary>Patch tokens [B, P, W] averaged over the regions of <see cref="EncoderConfig.LatentGrid"/>: [B, N, W].</summary>
    Tensor RegionAverages(Tensor patches)
    {
        int side = Config.ImageSize / Config.PatchSize;
        var (rows, columns) = Config.LatentGrid;
        var grid = patches.transpose(1, 2).unflatten(2, [side, side]);
        return nn.functional.adaptive_avg_pool2d(grid, [rows, columns]).flatten(2).transpose(1, 2);
    }
}
