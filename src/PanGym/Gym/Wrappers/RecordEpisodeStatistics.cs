using System.Diagnostics;

namespace PanGym.Gym.Wrappers;

/// <summary>
/// Gymnasium's <c>RecordEpisodeStatistics</c>: when an episode ends, adds <c>info["episode"]</c> (an
/// <see cref="EpisodeStatistics"/>) to the final step's info, and keeps the last <c>bufferLength</c> episodes.
/// </summary>
public sealed class RecordEpisodeStatistics<TObs, TAction> : Wrapper<TObs, TAction>
{
    /// <summary>The info key the statistics are stored under.</summary>
    public const string InfoKey = "episode";

    readonly Queue<EpisodeStatistics> _history = new();
    readonly int _bufferLength;
    readonly Stopwatch _clock = new();
    double _return;
    int _length;

    /// <summary>Wraps <paramref name="env"/>, remembering the last <paramref name="bufferLength"/> episodes.</summary>
    /// <param name="env">The environment; closed with the wrapper unless <paramref name="leaveOpen"/>.</param>
    /// <param name="bufferLength">How many finished episodes <see cref="History"/> keeps.</param>
    /// <param name="leaveOpen">Whether closing the wrapper leaves <paramref name="env"/> open.</param>
    public RecordEpisodeStatistics(Env<TObs, TAction> env, int bufferLength = 100, bool leaveOpen = false) : base(env, leaveOpen)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferLength, 1);
        _bufferLength = bufferLength;
    }

    /// <summary>The most recent finished episodes, oldest first.</summary>
    public IReadOnlyCollection<EpisodeStatistics> History => _history;

    /// <inheritdoc />
    public override ResetResult<TObs> Reset(int? seed = null, IReadOnlyDictionary<string, object?>? options = null)
    {
        var result = base.Reset(seed, options);
        _return = 0;
        _length = 0;
        _clock.Restart();
        return result;
    }

    /// <inheritdoc />
    public override StepResult<TObs> Step(TAction action)
    {
        var result = base.Step(action);
        _return += result.Reward;
        _length++;
        if (result.Terminated || result.Truncated)
        {
            var stats = new EpisodeStatistics(_return, _length, _clock.Elapsed.TotalSeconds);
            result.Info[InfoKey] = stats;
            _history.Enqueue(stats);
            while (_history.Count > _bufferLength) _history.Dequeue();
        }
        return result;
    }
}
