namespace PanGym.Training.Distributed;

/// <summary>
/// Thrown on every rank of a distributed job when a step that all ranks take together (<see cref="RankAgreement"/>)
/// failed on one or more of them, so that every rank stops at the same point instead of waiting for the others.
/// Exactly one rank, the lowest that failed, has <see cref="ReportedHere"/> set: it reports the failure, the others
/// stay quiet, so a job prints the problem once.
/// </summary>
public sealed class RankFailedException : Exception
{
    /// <summary>The failure of the ranks in <paramref name="failedRanks"/>; <paramref name="local"/> is this rank's own, if it failed.</summary>
    public RankFailedException(string message, IReadOnlyList<int> failedRanks, bool reportedHere, Exception? local)
        : base(message, local)
    {
        ArgumentNullException.ThrowIfNull(failedRanks);
        FailedRanks = failedRanks;
        ReportedHere = reportedHere;
    }

    /// <summary>The ranks that failed, in order.</summary>
    public IReadOnlyList<int> FailedRanks { get; }

    /// <summary>Whether this rank is the one that reports the failure (the lowest rank that failed).</summary>
    public bool ReportedHere { get; }
}
