namespace PanGym.Gym.Checking;

/// <summary>The outcome of <see cref="EnvChecker.Check{TObs, TAction}"/>: every check that ran and every failure.</summary>
public sealed class EnvCheckReport(string environment, IReadOnlyList<string> checksRun, IReadOnlyList<EnvCheckFailure> failures)
{
    /// <summary>The environment that was checked.</summary>
    public string Environment { get; } = environment;

    /// <summary>The names of the checks that ran.</summary>
    public IReadOnlyList<string> ChecksRun { get; } = checksRun;

    /// <summary>Every failure, in the order found.</summary>
    public IReadOnlyList<EnvCheckFailure> Failures { get; } = failures;

    /// <summary>True when no check failed.</summary>
    public bool Passed => Failures.Count == 0;

    /// <summary>Throws an <see cref="InvalidOperationException"/> listing every failure, unless all checks passed.</summary>
    public void ThrowIfFailed()
    {
        if (!Passed) throw new InvalidOperationException(ToString());
    }

    /// <inheritdoc />
    public override string ToString() => Passed
        ? $"{Environment}: all {ChecksRun.Count} checks passed."
        : $"{Environment}: {Failures.Count} of {ChecksRun.Count} checks failed:{System.Environment.NewLine}" +
          string.Join(System.Environment.NewLine, Failures.Select(f => "  " + f));
}
