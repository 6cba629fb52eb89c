namespace PanGym.Backbone.Qwen25VL;

/// <summary>How a Qwen2.5-VL checkpoint names its tensors.</summary>
public enum Qwen25VLParameterLayout
{
    /// <summary>transformers before 4.52 and Qwen's released files: <c>visual.*</c>, <c>model.*</c>, <c>lm_head.weight</c>.</summary>
    Classic,

    /// <summary>transformers ≥ 4.52: <c>model.visual.*</c>, <c>model.language_model.*</c>, <c>lm_head.weight</c>.</summary>
    Nested,
}
