namespace PanGym.Envs;

/// <summary>
/// A policy that solves ShapesWorld optimally: a breadth-first search over the target shape's positions (the other
/// shapes stay put, so they are obstacles) through the environment's own <see cref="ShapesWorld.Transition"/>. It
/// shows the task is solvable, records demonstrations, and bounds what a planner can reach.
/// </summary>
public sealed class ShapesWorldExpert(ShapesWorld env)
{
    readonly ShapesWorld _env = env ?? throw new ArgumentNullException(nameof(env));

    /// <summary>The first action of a shortest path to the goal; "wait" when the goal is reached or cannot be reached.</summary>
    public string Act(ShapesWorldState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (_env.IsSuccess(state)) return ShapesWorldAction.Wait.ToString();
        var moves = Enum.GetValues<Direction>().Where(d => d != Direction.None).Select(d => new ShapesWorldAction(state.Target, d)).ToArray();
        var firstMove = new Dictionary<(int, int), ShapesWorldAction> { [Key(state)] = ShapesWorldAction.Wait };
        var frontier = new Queue<ShapesWorldState>([state]);
        while (frontier.Count > 0)
        {
            var current = frontier.Dequeue();
            foreach (var move in moves)
            {
                var next = _env.Transition(current, move);
                if (!firstMove.TryAdd(Key(next), current == state ? move : firstMove[Key(current)])) continue;
                if (_env.IsSuccess(next)) return firstMove[Key(next)].ToString();
                frontier.Enqueue(next);
            }
        }
        return ShapesWorldAction.Wait.ToString();
    }

    /// <summary>
    /// Resets the environment with <paramref name="seed"/> and follows the expert until the episode terminates (the goal
    /// is reached) or <paramref name="maxActions"/> actions are taken: a demonstration, as <c>pangym demo</c> imagines one.
    /// </summary>
    /// <returns>The actions taken, in order.</returns>
    public IReadOnlyList<string> Demonstrate(int seed, int maxActions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxActions, 1);
        _env.Reset(seed);
        var actions = new List<string>();
        while (actions.Count < maxActions)
        {
            actions.Add(Act(_env.State));
            if (_env.Step(actions[^1]).Terminated) break;
        }
        return actions;
    }

    static (int X, int Y) Key(ShapesWorldState state) => state.Find(state.Target) is ShapeState s ? (s.X, s.Y) : (-1, -1);
}
