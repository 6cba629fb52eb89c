using PanGym.Data;
using TorchSharp.Modules;

namespace PanGym.Training.Distributed;

/// <summary>
/// A trainer's part in data-parallel training, one per trainer: this rank's shard of every global batch, the
/// agreement the ranks make before each step (whether to stop, and the learning-rate schedule's length, both decided by
/// rank 0's clock, so that every rank takes the same steps at the same learning rates), the gradient average after the
/// backward pass, and the checks that every rank holds the same replica. With one rank every step returns at once.
/// </summary>
internal sealed class DataParallelGroup : IDisposable
{
    /// <summary>The step's losses averaged with the gradients: total, flow, latent, reconstruction, painted.</summary>
    public const int LossCount = 5;

    readonly GradientAverager? _averager;

    /// <summary>The group of <paramref name="communicator"/>'s ranks training <paramref name="parameters"/> on global batches of <paramref name="globalBatch"/>.</summary>
    /// <exception cref="ArgumentException">The global batch does not split evenly over the ranks.</exception>
    public DataParallelGroup(ICommunicator communicator, int globalBatch, IReadOnlyList<Parameter> parameters)
    {
        Communicator = communicator;
        Shard = BatchShard.ForRank(communicator.Rank, communicator.Size, globalBatch);
        if (communicator.Size > 1) _averager = new GradientAverager(communicator, parameters, LossCount);
    }

    /// <summary>The ranks.</summary>
    public ICommunicator Communicator { get; }

    /// <summary>This rank's rows of every global batch.</summary>
    public BatchShard Shard { get; }

    /// <summary>Whether this is rank 0, which validates and writes the run's files.</summary>
    public bool IsRoot => Communicator.Rank == 0;

    /// <summary>Whether there is more than one rank.</summary>
    public bool IsDistributed => Communicator.Size > 1;

    /// <summary>
    /// The stop decision and schedule length every rank uses for the next step: the step count stops every rank alike,
    /// a cancellation on any rank stops them all, and the wall-clock budget and the schedule's calibrated length are rank
    /// 0's (the other ranks' <paramref name="scheduleSteps"/> and budgets are not consulted).
    /// </summary>
    public (TrainingStopReason? Stop, long? ScheduleSteps) AgreeBeforeStep(TrainingStopReason? local, long? scheduleSteps)
    {
        if (!IsDistributed) return (local, scheduleSteps);
        Span<long> votes = [Vote(local), IsRoot ? scheduleSteps ?? -1 : long.MinValue];
        Communicator.MaxInPlace(votes);
        TrainingStopReason? stop = votes[0] switch
        {
            3 => TrainingStopReason.MaxSteps,
            2 => TrainingStopReason.Cancelled,
            1 => TrainingStopReason.Budget,
            _ => null,
        };
        return (stop, votes[1] < 0 ? null : votes[1]);
    }

    /// <summary>Replaces every gradient and each of <paramref name="losses"/> (see <see cref="LossCount"/>) with its mean over the ranks.</summary>
    public void AverageGradients(Span<float> losses) => _averager?.Average(losses);

    /// <summary>
    /// Compares every rank's replica identity with rank 0's (a collective); every rank throws the same error when one
    /// differs, naming the rank and what differs.
    /// </summary>
    /// <exception cref="ArgumentException">A rank's data set, settings, model or resumed state differs from rank 0's.</exception>
    public static void CheckSameReplica(ICommunicator communicator, ReplicaIdentity identity)
    {
        var gathered = communicator.AllGather(identity.ToBytes()).Select(ReplicaIdentity.FromBytes).ToList();
        if (ReplicaIdentity.Difference(gathered) is string difference) throw new ArgumentException(difference);
    }

    /// <summary>
    /// Checks that the replicas still hold the same trainable weights (a collective, at each checkpoint): they must,
    /// since every rank applies the same averaged gradients; a difference means the reduction was not bitwise the same
    /// on every rank.
    /// </summary>
    /// <exception cref="InvalidOperationException">The weights differ.</exception>
    public void CheckWeightsAgree(IEnumerable<Parameter> parameters, long step)
    {
        if (!IsDistributed) return;
        string digest = ReplicaIdentity.WeightsDigest(parameters);
        var gathered = Communicator.AllGather(System.Text.Encoding.ASCII.GetBytes(digest)).Select(System.Text.Encoding.ASCII.GetString).ToList();
        var differing = Enumerable.Range(1, gathered.Count - 1).Where(rank => gathered[rank] != gathered[0]).ToList();
        if (differing.Count > 0)
            throw new InvalidOperationException(
                $"At step {step} the weights of rank {string.Join(", ", differing)} differ from rank 0's: the gradient all-reduce did not give every rank the same values. " +
                "Resume from the last checkpoint (rank 0's).");
    }

    /// <summary>Frees the gradient buckets.</summary>
    public void Dispose() => _averager?.Dispose();

    int Vote(TrainingStopReason? local) => local switch
    {
        TrainingStopReason.MaxSteps => 3,
        TrainingStopReason.Cancelled => 2,
        TrainingStopReason.Budget when IsRoot => 1,
        _ => 0,
    };
}
