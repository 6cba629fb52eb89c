namespace PanGym.Imagination;

/// <summary>
/// What state enters the history after an imagined step (PAN §5). Without the loop, errors in the predicted states
/// compound: each prediction reads the last one. With it, every decoded frame is encoded again, so that an imagined
/// trajectory keeps returning to states the encoder makes from real-looking frames.
/// </summary>
public enum ClosedLoop
{
    /// <summary>Open loop: the predicted state ŝ_{t+1} itself enters the history.</summary>
    Off,

    /// <summary>
    /// The closed loop: the decoded frame's encoding h(ô_{t+1}) enters the history in place of ŝ_{t+1}, exactly the state
    /// the dynamics reads for a real frame (teacher forcing in training, an observed frame in a planner). PAN augments
    /// instead, [ŝ, h(ô)]; replacing keeps the turn layout the model was trained on, and ŝ still conditions the decoder.
    /// </summary>
    Reencode,
}
