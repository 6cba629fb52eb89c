namespace PanGym.Envs;

/// <summary>Where an episode's goal square goes: drawn at random away from the target, or read from a reset option.</summary>
public static class GoalPlacement
{
    /// <summary>A uniformly placed goal square of side <paramref name="goalSize"/> that does not contain (<paramref name="x"/>, <paramref name="y"/>).</summary>
    /// <exception cref="ArgumentException">No goal square of that side fits on the canvas without containing the point.</exception>
    public static GoalRegion RandomAvoiding(Random random, int canvasSize, int goalSize, double x, double y)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (goalSize < 1 || goalSize > canvasSize)
            throw new ArgumentOutOfRangeException(nameof(goalSize), goalSize, $"The goal square's side must lie in [1, {canvasSize}], the canvas side.");
        bool avoidable = x < canvasSize - goalSize || x >= goalSize || y < canvasSize - goalSize || y >= goalSize;
        if (!avoidable)
            throw new ArgumentException($"Every goal square of side {goalSize} on a {canvasSize}-pixel canvas contains ({x}, {y}); make the goal smaller.", nameof(goalSize));
        GoalRegion goal;
        do goal = new GoalRegion(random.Next(canvasSize - goalSize + 1), random.Next(canvasSize - goalSize + 1), goalSize);
        while (goal.Contains(x, y));
        return goal;
    }

    /// <summary>The goal square whose top-left corner the reset option <c>"goal"</c> gives, checked to lie inside the canvas.</summary>
    public static GoalRegion FromOption(object? value, int canvasSize, int goalSize)
    {
        var (x, y) = Keywords.ToIntPair(value, "goal");
        int farthest = canvasSize - goalSize;
        if (x < 0 || y < 0 || x > farthest || y > farthest)
            throw new ArgumentException($"Reset option \"goal\" ({x}, {y}) puts the goal square outside the canvas (top-left corners run from 0 to {farthest}).", "options");
        return new GoalRegion(x, y, goalSize);
    }
}
