namespace PanGym.Training.Distributed;

/// <summary>
/// Where one rank of a distributed job runs: the host and the process id, which the launcher's own messages name
/// (MPICH's Hydra reports a killed process by its pid and host).
/// </summary>
/// <param name="Rank">The rank.</param>
/// <param name="Host">The host (MPI's processor name).</param>
/// <param name="ProcessId">The operating system's process id.</param>
public sealed record RankPlacement(int Rank, string Host, int ProcessId)
{
    /// <summary>"rank 1: pid 4242 on node-a".</summary>
    public override string ToString() => $"rank {Rank}: pid {ProcessId} on {Host}";
}
