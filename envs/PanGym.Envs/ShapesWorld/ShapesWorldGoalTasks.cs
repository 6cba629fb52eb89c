using PanGym.Gym;
using PanGym.Imagination;
using PanGym.Planning;

namespace PanGym.Envs;

/// <summary>
/// ShapesWorld's goal tasks for planning: seeded starts whose goal (bring the named shape into the grey square) the
/// optimal expert reaches within the step budget, and the rewards planners score them with.
/// </summary>
public static class ShapesWorldGoalTasks
{
    /// <summary>The step budget of a task.</summary>
    public const int DefaultMaxSteps = 20;

    /// <summary>
    /// The seeds of the first <paramref name="count"/> starts, from <paramref name="firstSeed"/> on, that the BFS expert
    /// solves within <paramref name="maxSteps"/> moves (a random start can be boxed in by the other shapes, or lie farther).
    /// </summary>
    public static IReadOnlyList<int> Seeds(ShapesWorldConfig config, int count, int maxSteps = DefaultMaxSteps, int firstSeed = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        using var env = new ShapesWorld(config);
        var expert = new ShapesWorldExpert(env);
        var seeds = new List<int>();
        for (int seed = firstSeed; seeds.Count < count; seed++)
        {
            if (seed - firstSeed > 100 * count) throw new InvalidOperationException($"Fewer than {count} solvable tasks among {100 * count} seeds.");
            env.Reset(seed);
            if (ExpertSteps(env, expert, maxSteps) is not null) seeds.Add(seed);
        }
        return seeds;
    }

    /// <summary>Moves the expert needs from the env's current state, or null beyond <paramref name="maxSteps"/> or when it cannot.</summary>
    public static int? ExpertSteps(ShapesWorld env, ShapesWorldExpert expert, int maxSteps)
    {
        var state = env.State;
        for (int step = 1; step <= maxSteps; step++)
        {
            var action = expert.Act(state);
            if (action == ShapesWorldAction.Wait.ToString()) return null;
            state = env.Transition(state, env.ParseAction(action));
            if (env.IsSuccess(state)) return step;
        }
        return null;
    }

    /// <summary>
    /// The true simulator as a planning model: reaching the goal gives 1 and ends the rollout; every other step gives minus
    /// the target's distance from the goal's centre as a share of the canvas, a dense signal that the sparse goal reward lacks.
    /// </summary>
    public static SimulatorPlanningModel<ShapesWorldState> TrueModel(ShapesWorld env) => new(
        (state, action) => env.Transition(state, env.ParseAction(action)),
        state => env.IsSuccess(state) ? new StepOutcome(1.0, true) : new StepOutcome(-env.GoalDistance(state) / env.Config.Size, false));

    /// <summary>The episode's goal frame: its start with the target moved into the goal square.</summary>
    public static Image GoalFrame(ShapesWorld env, IReadOnlyDictionary<string, object?> info) => env.Draw(env.SolvedState(State(info)));

    /// <summary>The ground truth's own reward read off imagined frames by ShapesWorld's probe (for policy evaluation in imagination).</summary>
    public static ProbeGoalReward ProbeReward(ShapesWorld env, IReadOnlyDictionary<string, object?> info)
    {
        var state = State(info);
        string target = state.Target.DisplayName();
        double half = env.Config.ShapeSize / 2.0;
        return new ProbeGoalReward(env.StateProbe,
            objects => objects.FirstOrDefault(o => o.Name == target) is { } o && state.Goal.Contains(o.X + half, o.Y + half),
            GoalReward.Success, GoalReward.StepPenalty);
    }

    /// <summary>
    /// A dense reward read off decoded frames: ShapesWorld's probe finds the target, reaching the goal gives 1 and ends the
    /// rollout, every other step gives minus its distance from the goal's centre as a share of the canvas (−1 when the
    /// probe cannot find it). Needs every imagined frame decoded, so it costs K decoder passes a step.
    /// </summary>
    public static DelegateReward ProbeDistanceReward(ShapesWorld env, IReadOnlyDictionary<string, object?> info)
    {
        var state = State(info);
        string target = state.Target.DisplayName();
        double half = env.Config.ShapeSize / 2.0, goalX = state.Goal.X + state.Goal.Size / 2.0, goalY = state.Goal.Y + state.Goal.Size / 2.0;
        return new DelegateReward(step =>
        {
            var outcomes = PanGym.WorldModel.PanWorldModel.FromModelPixels(step.Frames!).Select(frame =>
                env.StateProbe.Probe(frame).FirstOrDefault(o => o.Name == target) is not { } found ? (-1.0, false)
                : state.Goal.Contains(found.X + half, found.Y + half) ? (1.0, true)
                : (-Math.Sqrt(Math.Pow(found.X + half - goalX, 2) + Math.Pow(found.Y + half - goalY, 2)) / env.Config.Size, false)).ToArray();
            return new StepRewards(outcomes.Select(o => o.Item1).ToArray(), outcomes.Select(o => o.Item2).ToArray());
        }, needsFrames: true);
    }

    static ShapesWorldState State(IReadOnlyDictionary<string, object?> info) =>
        info.TryGetValue("state", out var value) && value is ShapesWorldState state
            ? state
            : throw new ArgumentException("The info carries no ShapesWorld \"state\"; goal tasks start from a ShapesWorld reset.");
}
