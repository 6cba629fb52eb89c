using System.Diagnostics;
using PanGym.Gym;
using PanGym.Gym.Wrappers;

namespace PanGym.Planning;

/// <summary>
/// Runs a policy on seeded goal tasks in the real environment, each within a step budget, and times its decisions: the
/// success table of model-predictive control (PAN §7) for any environment whose episodes terminate on reaching the goal.
/// </summary>
public static class GoalTaskEvaluation
{
    /// <summary>Runs <paramref name="policy"/> (reset before each task) once from each seed's start state.</summary>
    /// <param name="policy">The policy; one instance serves every task and is reset before each.</param>
    /// <param name="env">The real environment; <c>Reset(seed)</c> fixes each task. It is not closed.</param>
    /// <param name="seeds">One task per seed (at least one).</param>
    /// <param name="maxSteps">The step budget of a task; an episode that has not terminated by then is unsolved.</param>
    /// <param name="filmTask">Which tasks, by index, to film; null films every one.</param>
    /// <param name="film">Called after a filmed task with its index, its frames (the start frame, then one per action) and its
    /// actions; null films none.</param>
    /// <param name="progress">Called after each task with the runs so far, for progress display.</param>
    public static GoalTaskResult Run(ITextPolicy policy, Env<Image, string> env, IReadOnlyList<int> seeds, int maxSteps,
        Func<int, bool>? filmTask = null, Action<int, Image[], string[]>? film = null, Action<IReadOnlyList<GoalTaskRun>>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(seeds);
        if (seeds.Count == 0) throw new ArgumentException("Give at least one seed (goal task) to run.", nameof(seeds));
        if (maxSteps < 1) throw new ArgumentOutOfRangeException(nameof(maxSteps), maxSteps, "A task needs at least one step.");

        // Not disposed: closing the wrapper would close the caller's environment beneath it.
        var limited = new TimeLimit<Image, string>(env, maxSteps);
        var runs = new List<GoalTaskRun>();
        for (int index = 0; index < seeds.Count; index++)
        {
            bool filming = film is not null && (filmTask?.Invoke(index) ?? true);
            runs.Add(RunOne(policy, limited, seeds[index], filming ? (frames, actions) => film!(index, frames, actions) : null));
            progress?.Invoke(runs);
        }
        return new GoalTaskResult(runs);
    }

    static GoalTaskRun RunOne(ITextPolicy policy, TimeLimit<Image, string> env, int seed, Action<Image[], string[]>? film)
    {
        policy.Reset();
        var (observation, info) = env.Reset(seed);
        var frames = new List<Image> { observation };
        var actions = new List<string>();
        var decisions = new List<double>();
        while (true)
        {
            var clock = Stopwatch.StartNew();
            var action = policy.Act(observation, info);
            decisions.Add(clock.Elapsed.TotalSeconds);
            var result = env.Step(action);
            actions.Add(action);
            frames.Add(result.Observation);
            if (result.Terminated || result.Truncated)
            {
                film?.Invoke([.. frames], [.. actions]);
                return new GoalTaskRun(seed, result.Terminated, actions.Count, decisions.Average(), decisions.Max());
            }
            (observation, info) = (result.Observation, result.Info);
        }
    }
}
