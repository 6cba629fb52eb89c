using System.Text;

namespace PanGym.Training.Distributed;

/// <summary>
/// Steps that every rank of a distributed job takes together and that succeed or fail together: each rank runs its
/// part, then the ranks exchange their outcomes (one all-gather), and if any failed, every rank throws a
/// <see cref="RankFailedException"/> that names the ranks and their messages. Without it, a rank that fails while
/// preparing (a data set missing on its node, a folder it may not write) would leave the others waiting in their next
/// collective. In one process a step runs as it is and its exceptions pass through unchanged.
/// </summary>
public static class RankAgreement
{
    /// <summary>Runs <paramref name="step"/> on this rank and returns its result once every rank's step has succeeded.</summary>
    /// <exception cref="RankFailedException">The step failed on some rank (on all ranks, this one included, when it did); a disposable result is disposed.</exception>
    public static T Agree<T>(this ICommunicator communicator, Func<T> step)
    {
        ArgumentNullException.ThrowIfNull(communicator);
        ArgumentNullException.ThrowIfNull(step);
        if (communicator.Size == 1) return step();
        T? result = default;
        Exception? failure = null;
        try
        {
            result = step();
        }
        catch (Exception e)
        {
            failure = e;
        }
        var outcomes = communicator.AllGather(failure is null ? [] : Encoding.UTF8.GetBytes("!" + failure.Message));
        var failed = Enumerable.Range(0, outcomes.Count).Where(rank => outcomes[rank].Length > 0).ToList();
        if (failed.Count == 0) return result!;
        (result as IDisposable)?.Dispose();
        var messages = failed.ToDictionary(rank => rank, rank => Encoding.UTF8.GetString(outcomes[rank], 1, outcomes[rank].Length - 1));
        throw new RankFailedException(Describe(messages, communicator.Size), failed, reportedHere: communicator.Rank == failed[0], failure);
    }

    /// <summary>Runs <paramref name="step"/> on this rank and returns once every rank's step has succeeded.</summary>
    /// <exception cref="RankFailedException">The step failed on some rank.</exception>
    public static void Agree(this ICommunicator communicator, Action step)
    {
        ArgumentNullException.ThrowIfNull(step);
        communicator.Agree(() =>
        {
            step();
            return true;
        });
    }

    /// <summary>
    /// One line: the message alone when every rank failed with it, else each distinct message after the ranks that
    /// gave it ("rank 1 of 2: …", "ranks 2, 3 of 4: …").
    /// </summary>
    static string Describe(IReadOnlyDictionary<int, string> messages, int size)
    {
        var groups = messages.GroupBy(pair => pair.Value, pair => pair.Key).ToList();
        if (groups.Count == 1 && messages.Count == size) return groups[0].Key;
        return string.Join("; ", groups.Select(group =>
            $"{(group.Count() == 1 ? "rank" : "ranks")} {string.Join(", ", group)} of {size}: {group.Key}"));
    }
}
