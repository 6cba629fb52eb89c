namespace PanGym.Imagination;

/// <summary>Where the time of one <see cref="PanEnv"/> reset or step went (reported in its info under <c>"timing"</c>).</summary>
/// <param name="Encode">The encoder h on the start frame (resets only).</param>
/// <param name="Dynamics">The dynamics f predicting ŝ_{t+1} from the history (steps only).</param>
/// <param name="Decode">The decoder g sampling ô_{t+1} (steps only).</param>
/// <param name="Reward">The reward function.</param>
public sealed record PanStepTiming(TimeSpan Encode, TimeSpan Dynamics, TimeSpan Decode, TimeSpan Reward)
{
    /// <summary>The whole reset or step.</summary>
    public TimeSpan Total => Encode + Dynamics + Decode + Reward;
}
