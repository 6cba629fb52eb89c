namespace PanGym.Gym.Checking;

/// <summary>One failed check of <see cref="EnvChecker"/>: which check, and what was wrong.</summary>
/// <param name="Check">The check's name, for example <c>reset-seed-determinism</c>.</param>
/// <param name="Message">What the environment did, and what the contract expects.</param>
public sealed record EnvCheckFailure(string Check, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"[{Check}] {Message}";
}
