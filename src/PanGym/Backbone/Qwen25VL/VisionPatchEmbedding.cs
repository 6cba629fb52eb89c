using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace PanGym.Backbone.Qwen25VL;

/// <summary>
/// The vision tower's patch embedding (transformers' <c>Qwen2_5_VisionPatchEmbed</c>): a Conv3d without bias whose
/// kernel and stride are one (temporal patch × patch × patch) cube, so each output is one dot product of the kernel
/// with one patch row; it runs as a single matrix product of the patch rows [N, C·T·P·P] with the flattened kernel.
/// </summary>
internal sealed class VisionPatchEmbedding : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "proj")]
    private readonly Conv3d _proj;

    public VisionPatchEmbedding(Qwen25VLVisionConfig config, ScalarType dtype) : base("Qwen2_5_VisionPatchEmbed")
    {
        var kernel = ((long)config.TemporalPatchSize, (long)config.PatchSize, (long)config.PatchSize);
        _proj = nn.Conv3d(config.InChannels, config.HiddenSize, kernel, stride: kernel, bias: false, dtype: dtype);
        RegisterComponents();
    }

    /// <summary>Patch rows [N, C·T·P·P] (any float dtype) → embeddings [N, hidden] in the weights' dtype.</summary>
    public override Tensor forward(Tensor patchRows)
    {
        var weight = _proj.weight!;
        return nn.functional.linear(patchRows.to(weight.dtype), weight.flatten(1));
    }
}
