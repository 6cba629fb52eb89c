using PanGym.Gym;

namespace PanGym.Envs;

/// <summary>
/// A ball whose velocity persists between steps, pushed by text actions ("push left", …, "wait"); the goal is to bring
/// its centre into a grey square. One frame shows where the ball is but not how it moves, so predicting the next frame
/// needs the history: this is the environment that makes a world model's multi-turn context measurably necessary.
/// </summary>
/// <remarks>
/// <para>Physics, per step (<see cref="Transition"/>): a push adds <see cref="MomentumWorldConfig.Impulse"/> to the
/// velocity in its direction; the velocity is multiplied by (1 − friction) and capped at
/// <see cref="MomentumWorldConfig.MaxSpeed"/>; the centre moves by the velocity; a centre that crosses a wall's limit
/// (radius from the edge) is reflected back across it and that velocity component changes sign (an elastic bounce).</para>
/// <para>Reset: a seeded random start (a uniform real-valued centre, at rest, a goal square not containing it), or an
/// exact start through the options <see cref="ResetOptionKeys"/>: <c>"position"</c> and <c>"velocity"</c> (pairs of
/// numbers, default a random position and rest) and <c>"goal"</c> (the goal square's top-left corner as an integer pair).</para>
/// <para>Reward: <see cref="GoalReward.Success"/> and terminated when the ball's centre is inside the goal square after a
/// step, else <see cref="GoalReward.StepPenalty"/>. Info: see <see cref="GroundTruthEnv{TState, TAction}"/>.</para>
/// </remarks>
public sealed class MomentumWorld : GroundTruthEnv<MomentumWorldState, MomentumWorldAction>
{
    /// <summary>The keys <see cref="Reset"/> accepts in its options.</summary>
    public static IReadOnlyList<string> ResetOptionKeys { get; } = ["position", "velocity", "goal"];

    /// <summary>The goal as text, the same in every episode.</summary>
    public const string GoalText = "bring the orange ball into the grey square";

    /// <summary>An environment with <paramref name="config"/> (default <see cref="MomentumWorldConfig.Default"/>).</summary>
    public MomentumWorld(MomentumWorldConfig? config = null) : base((config ?? MomentumWorldConfig.Default).Size, MomentumWorldAction.Candidates)
    {
        Config = config ?? MomentumWorldConfig.Default;
        StateProbe = new MomentumWorldProbe(Config);
    }

    /// <summary>The geometry and physics.</summary>
    public MomentumWorldConfig Config { get; }

    /// <inheritdoc />
    public override EnvMetadata Metadata { get; } = new(RenderFps: 8);

    /// <summary>A probe that reads the ball back out of this environment's frames.</summary>
    public override MomentumWorldProbe StateProbe { get; }

    /// <inheritdoc />
    public override ResetResult<Image> Reset(int? seed = null, IReadOnlyDictionary<string, object?>? options = null)
    {
        SeedRng(seed);
        Keywords.EnsureKnown(options, ResetOptionKeys, "MomentumWorld reset option", nameof(options));
        double low = Config.BallRadius, high = Config.Size - Config.BallRadius;
        var (x, y) = Keywords.TryGet(options, "position", out var position)
            ? CheckedPosition(position)
            : (low + NpRandom.NextDouble() * (high - low), low + NpRandom.NextDouble() * (high - low));
        var (vx, vy) = Keywords.TryGet(options, "velocity", out var velocity) ? CheckedVelocity(velocity) : (0, 0);
        var goal = Keywords.TryGet(options, "goal", out var corner)
            ? GoalPlacement.FromOption(corner, Config.Size, Config.GoalSize)
            : GoalPlacement.RandomAvoiding(NpRandom, Config.Size, Config.GoalSize, x, y);
        return Begin(new MomentumWorldState(x, y, vx, vy, goal));
    }

    /// <summary>Parses the text with <see cref="MomentumWorldAction.Parse"/>.</summary>
    public override MomentumWorldAction ParseAction(string text) => MomentumWorldAction.Parse(text);

    /// <summary>The frame that shows <paramref name="state"/>: background, goal square, then the ball.</summary>
    public override Image Draw(MomentumWorldState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var frame = Raster.Backdrop(Config.Size, state.Goal);
        Raster.FillDisc(frame, state.X, state.Y, Config.BallRadius, Palette.Orange);
        return frame;
    }

    /// <inheritdoc />
    public override MomentumWorldState Transition(MomentumWorldState state, MomentumWorldAction action)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(action);
        var (px, py) = action.Direction.ToVector();
        double vx = (state.VelocityX + px * Config.Impulse) * (1 - Config.Friction);
        double vy = (state.VelocityY + py * Config.Impulse) * (1 - Config.Friction);
        double speed = Math.Sqrt(vx * vx + vy * vy);
        if (speed > Config.MaxSpeed) (vx, vy) = (vx * Config.MaxSpeed / speed, vy * Config.MaxSpeed / speed);
        var (x, bouncedVx) = Bounce(state.X + vx, vx);
        var (y, bouncedVy) = Bounce(state.Y + vy, vy);
        return state with { X = x, Y = y, VelocityX = bouncedVx, VelocityY = bouncedVy };
    }

    /// <summary>The ball's centre, keyed by <see cref="MomentumWorldProbe.BallName"/>.</summary>
    public override IReadOnlyDictionary<string, (double X, double Y)> ObjectPositions(MomentumWorldState state) =>
        new Dictionary<string, (double X, double Y)> { [MomentumWorldProbe.BallName] = (state.X, state.Y) };

    /// <summary>Whether the ball's centre lies inside the goal square.</summary>
    public override bool IsSuccess(MomentumWorldState state) => state.Goal.Contains(state.X, state.Y);

    /// <inheritdoc />
    public override string DescribeGoal(MomentumWorldState state) => GoalText;

    (double Position, double Velocity) Bounce(double position, double velocity)
    {
        double low = Config.BallRadius, high = Config.Size - Config.BallRadius;
        if (position < low) return (2 * low - position, -velocity);
        if (position > high) return (2 * high - position, -velocity);
        return (position, velocity);
    }

    (double X, double Y) CheckedPosition(object? value)
    {
        var (x, y) = Keywords.ToPair(value, "position");
        double low = Config.BallRadius, high = Config.Size - Config.BallRadius;
        if (!(x >= low && x <= high && y >= low && y <= high))
            throw new ArgumentException($"Reset option \"position\" ({x}, {y}) puts the ball outside the canvas: the centre must lie in [{low}, {high}] on both axes.", "options");
        return (x, y);
    }

    (double X, double Y) CheckedVelocity(object? value)
    {
        var (vx, vy) = Keywords.ToPair(value, "velocity");
        if (!(Math.Sqrt(vx * vx + vy * vy) <= Config.MaxSpeed))
            throw new ArgumentException($"Reset option \"velocity\" ({vx}, {vy}) is faster than the speed cap {Config.MaxSpeed}.", "options");
        return (vx, vy);
    }
}
