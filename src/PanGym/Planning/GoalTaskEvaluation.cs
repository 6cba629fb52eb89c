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
    /// <param name="film">Called after each task with its index, its frames (the start frame, then one per action) and its
    /// actions; null keeps no frames.</param>
    /// <param name="progress">Called after each task with the runs so far, for progress display.</param>
    public static GoalTaskResult Run(ITextPolicy policy, Env<Image, string> env, IReadOnlyList<int> seeds, int maxSteps,
        Action<int, Image[], string[]>? film = null, Action<IReadOnlyList<GoalTaskRun>>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(seeds);
        if (seeds.Count == 0) throw new ArgumentException("Give at least one seed (goal task) to run.", nameof(seeds));
        if (maxSteps < 1) throw new ArgumentOutOfRangeException(nameof(maxSteps), maxSteps, "A task needs at least one step.");

        using var limited = new TimeLimit<Image, string>(env, maxSteps, leaveOpen: true);
        var runs = new List<GoalTaskRun>();
        for (int index = 0; index < seeds.Count; index++)
        {
            runs.Add(RunOne(policy, limited, index, seeds[index], film));
            progress?.Invoke(runs);
        }
        return new GoalTaskResult(runs);
    }

    /// <summary>
    /// The two rows every comparison has beside a world model: random actions, and <paramref name="planner"/> with the true
    /// simulator as its model (the ceiling).
    /// </summary>
    /// <param name="source">The goal tasks.</param>
    /// <param name="planner">Makes a fresh planner.</param>
    /// <param name="plannerName">The planner's name in the row ("cem", "random").</param>
    /// <param name="seed">Seeds the random baseline.</param>
    public static IReadOnlyList<GoalTaskController> Baselines(IGoalTaskSource source, Func<IPlanner> planner, string plannerName, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(planner);
        ArgumentException.ThrowIfNullOrWhiteSpace(plannerName);
        return
        [
            new("random actions", () => new RandomTextPolicy(source.CandidateActions, seed)),
            new($"{plannerName} + true simulator", () => new MpcAgent(source.TrueModel(), planner(), source.CandidateActions)),
        ];
    }

    /// <summary>Runs each controller on the same <paramref name="tasks"/> seeded goal tasks of <paramref name="source"/>, in its real environment.</summary>
    /// <param name="source">The goal tasks and their environment.</param>
    /// <param name="controllers">The rows (for example <see cref="Baselines"/> and a planner with a world model).</param>
    /// <param name="tasks">How many tasks (at least one).</param>
    /// <param name="maxSteps">The step budget of a task; null for the source's default.</param>
    /// <param name="firstSeed">The first seed tried (tasks are the solvable seeds from there on).</param>
    /// <param name="film">Called after each task with the controller's name, the task's index, its frames and its actions; null keeps no frames.</param>
    /// <param name="progress">Called after each task with the controller's name and its runs so far.</param>
    public static GoalTaskComparison Compare(IGoalTaskSource source, IReadOnlyList<GoalTaskController> controllers, int tasks, int? maxSteps = null, int firstSeed = 0,
        Action<string, int, Image[], string[]>? film = null, Action<string, IReadOnlyList<GoalTaskRun>>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(controllers);
        if (controllers.Count == 0) throw new ArgumentException("Give at least one controller to compare.", nameof(controllers));
        ArgumentOutOfRangeException.ThrowIfLessThan(tasks, 1);
        int budget = maxSteps ?? source.DefaultMaxSteps;
        if (budget < 1) throw new ArgumentOutOfRangeException(nameof(maxSteps), budget, "A task needs at least one step.");
        var seeds = source.Seeds(tasks, budget, firstSeed);
        var rows = new List<GoalTaskRow>();
        foreach (var controller in controllers)
        {
            var policy = controller.MakePolicy();
            var result = Run(policy, source.Environment, seeds, budget,
                film is null ? null : (index, frames, actions) => film(controller.Name, index, frames, actions),
                progress is null ? null : runs => progress(controller.Name, runs));
            (policy as IDisposable)?.Dispose();
            rows.Add(new GoalTaskRow(controller.Name, result));
        }
        return new GoalTaskComparison(source.Name, seeds, budget, rows);
    }

    static GoalTaskRun RunOne(ITextPolicy policy, TimeLimit<Image, string> env, int index, int seed, Action<int, Image[], string[]>? film)
    {
        policy.Reset();
        var (observation, info) = env.Reset(seed);
        var frames = film is null ? null : new List<Image> { observation };
        var actions = new List<string>();
        var decisions = new List<double>();
        while (true)
        {
            var clock = Stopwatch.StartNew();
            var action = policy.Act(observation, info);
            decisions.Add(clock.Elapsed.TotalSeconds);
            var result = env.Step(action);
            actions.Add(action);
            frames?.Add(result.Observation);
            if (result.Terminated || result.Truncated)
            {
                film?.Invoke(index, [.. frames!], [.. actions]);
                return new GoalTaskRun(seed, result.Terminated, actions.Count, decisions.Average(), decisions.Max());
            }
            (observation, info) = (result.Observation, result.Info);
        }
    }
}
