using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace PanGym.Backbone.Qwen25VL;

/// <summary>
/// The 2×2 patch merger (transformers' <c>Qwen2_5_VLPatchMerger</c>): RMSNorm (ε = 1e-6) on each patch, the merge²
/// consecutive patches of a merged token concatenated, then Linear → exact GELU → Linear to the language model's width.
/// </summary>
internal sealed class VisionPatchMerger : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "ln_q")]
    private readonly RmsNorm _norm;

    [ComponentName(Name = "mlp")]
    private readonly Sequential _mlp;

    private readonly long _mergedWidth;

    public VisionPatchMerger(Qwen25VLVisionConfig config, ScalarType dtype) : base("Qwen2_5_VLPatchMerger")
    {
        _mergedWidth = (long)config.HiddenSize * config.MergeUnit;
        _norm = new RmsNorm(config.HiddenSize, 1e-6, dtype);
        _mlp = nn.Sequential(
            nn.Linear(_mergedWidth, _mergedWidth, hasBias: true, dtype: dtype),
            nn.GELU(),
            nn.Linear(_mergedWidth, config.OutHiddenSize, hasBias: true, dtype: dtype));
        RegisterComponents();
    }

    /// <summary>Patches [N, hidden] (merge² consecutive rows per token) → merged tokens [N / merge², out hidden].</summary>
    public override Tensor forward(Tensor patches)
    {
        using var scope = NewDisposeScope();
        return _mlp.forward(_norm.forward(patches).view(-1, _mergedWidth)).MoveToOuterDisposeScope();
    }
}
