namespace PanGym.Evaluation;

/// <summary>How much of the past a <see cref="WorldModelPredictor"/> lets the dynamics read.</summary>
public enum PredictorHistory
{
    /// <summary>
    /// The multi-turn history of states and actions (the KV cache), as PAN's dynamics reads it, bounded by the predictor's
    /// <see cref="WorldModelPredictor.Window"/> of recent turns.
    /// </summary>
    Full,

    /// <summary>
    /// The ablation: each prediction starts a fresh history fed only the current state and action, so nothing that one
    /// frame cannot show (a velocity) can be known.
    /// </summary>
    LastStateOnly,
}
