namespace PanGym.Data;

/// <summary>Which part of a data set an episode belongs to; written as <c>"train"</c> or <c>"validation"</c> in episodes.jsonl.</summary>
public enum EpisodeSplit
{
    /// <summary>Episodes the model is fitted on.</summary>
    Train,

    /// <summary>Held-out episodes for validation losses and evaluation.</summary>
    Validation,
}
