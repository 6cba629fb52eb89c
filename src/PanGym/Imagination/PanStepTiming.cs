namespace PanGym.Imagination;

/// <summary>Where the time of one <see cref="PanEnv"/> reset or step went (reported in its info under <c>"timing"</c>).</summary>
/// <param name="Encode">The encoder h on the start frame (resets only).</param>
/// <param name="Imagine">The engine's step (steps only): the dynamics f, the decoder g and, with the closed loop, h on the decoded frame.</param>
/// <param name="Reward">The reward function.</param>
public sealed record PanStepTiming(TimeSpan Encode, TimeSpan Imagine, TimeSpan Reward)
{
    /// <summary>A reset's timing.</summary>
    public static PanStepTiming OfReset(TimeSpan encode) => new(encode, TimeSpan.Zero, TimeSpan.Zero);

    /// <summary>No work done.</summary>
    public static PanStepTiming None { get; } = new(TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero);

    /// <summary>The whole reset or step.</summary>
    public TimeSpan Total => Encode + Imagine + Reward;
}
