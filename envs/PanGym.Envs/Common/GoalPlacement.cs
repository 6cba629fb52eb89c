namespace PanGym.Envs;

/// <summary>Where an episode's goal square goes: drawn at random away from the target, or read from a reset option.</summary>
internal static class GoalPlacement
{
    /// <summary>A uniformly placed goal square of side <paramref name="goalSize"/> that does not contain (<paramref name="x"/>, <paramref name="y"/>).</summary>
    public static GoalRegion RandomAvoiding(Random random, int canvasSize, int goalSize, double x, double y)
    {
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
