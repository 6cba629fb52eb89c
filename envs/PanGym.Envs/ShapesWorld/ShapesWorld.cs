using PanGym.Gym;

namespace PanGym.Envs;

/// <summary>
/// A square canvas with 1–3 shapes (red circle, blue square, green triangle) moved by text actions such as
/// "move the red circle left"; the goal is to bring a named shape's centre into a grey square.
/// </summary>
/// <remarks>
/// <para>Dynamics: a move shifts the named shape by <see cref="ShapesWorldConfig.StepPixels"/>, clamped to the canvas;
/// a move that would make its box overlap another shape's box does nothing (blocked), as does naming an absent shape
/// or "wait".</para>
/// <para>Reset: a seeded random start (shape count, kinds, non-overlapping integer positions, a target shape and a goal
/// square not already containing its centre), or an exact start through the options <see cref="ResetOptionKeys"/>:
/// <c>"shapes"</c> (an <c>IEnumerable&lt;ShapeState&gt;</c>), <c>"target"</c> (a <see cref="ShapeKind"/> or its name,
/// for example "red circle"; default: a random shape present) and <c>"goal"</c> (the goal square's top-left corner as an
/// integer pair). Options not given are drawn at random.</para>
/// <para>Reward: <see cref="GoalReward.Success"/> and terminated when the target's centre is inside the goal square
/// after a step, else <see cref="GoalReward.StepPenalty"/>. Info: see <see cref="GroundTruthEnv{TState, TAction}"/>.</para>
/// </remarks>
public sealed class ShapesWorld : GroundTruthEnv<ShapesWorldState, ShapesWorldAction>
{
    /// <summary>The keys <see cref="Reset"/> accepts in its options.</summary>
    public static IReadOnlyList<string> ResetOptionKeys { get; } = ["shapes", "target", "goal"];

    /// <summary>An environment with <paramref name="config"/> (default <see cref="ShapesWorldConfig.Default"/>).</summary>
    public ShapesWorld(ShapesWorldConfig? config = null) : base((config ?? ShapesWorldConfig.Default).Size, ShapesWorldAction.Candidates)
    {
        Config = config ?? ShapesWorldConfig.Default;
        StateProbe = new ShapesWorldProbe(Config);
    }

    /// <summary>The geometry.</summary>
    public ShapesWorldConfig Config { get; }

    /// <summary>A probe that reads the shapes back out of this environment's frames.</summary>
    public override ShapesWorldProbe StateProbe { get; }

    /// <inheritdoc />
    public override ResetResult<Image> Reset(int? seed = null, IReadOnlyDictionary<string, object?>? options = null)
    {
        SeedRng(seed);
        Keywords.EnsureKnown(options, ResetOptionKeys, "ShapesWorld reset option", nameof(options));
        var shapes = Keywords.TryGet(options, "shapes", out var given) ? CheckedShapes(given) : RandomShapes();
        var target = Keywords.TryGet(options, "target", out var named) ? CheckedTarget(named, shapes) : shapes[NpRandom.Next(shapes.Count)].Kind;
        var (centreX, centreY) = Centre(shapes.Single(s => s.Kind == target));
        var goal = Keywords.TryGet(options, "goal", out var corner)
            ? GoalPlacement.FromOption(corner, Config.Size, Config.GoalSize)
            : GoalPlacement.RandomAvoiding(NpRandom, Config.Size, Config.GoalSize, centreX, centreY);
        return Begin(new ShapesWorldState(shapes, target, goal));
    }

    /// <summary>Parses the text with <see cref="ShapesWorldAction.Parse"/>.</summary>
    public override ShapesWorldAction ParseAction(string text) => ShapesWorldAction.Parse(text);

    /// <summary>The frame that shows <paramref name="state"/>: background, goal square, then the shapes.</summary>
    public override Image Draw(ShapesWorldState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var frame = Raster.Backdrop(Config.Size, state.Goal);
        foreach (var shape in state.Shapes) Raster.FillShape(frame, shape.Kind, shape.X, shape.Y, Config.ShapeSize);
        return frame;
    }

    /// <inheritdoc />
    public override ShapesWorldState Transition(ShapesWorldState state, ShapesWorldAction action)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(action);
        if (action.Shape is not ShapeKind kind || state.Find(kind) is not ShapeState shape) return state;
        var (dx, dy) = action.Direction.ToVector();
        int farthest = Config.Size - Config.ShapeSize;
        var moved = shape with
        {
            X = Math.Clamp(shape.X + dx * Config.StepPixels, 0, farthest),
            Y = Math.Clamp(shape.Y + dy * Config.StepPixels, 0, farthest),
        };
        if (state.Shapes.Any(other => other.Kind != kind && Overlap(moved, other))) return state;
        return state with { Shapes = [.. state.Shapes.Select(s => s.Kind == kind ? moved : s)] };
    }

    /// <summary>Each shape's box corner (<see cref="ShapeState"/> coordinates), keyed by <see cref="ShapeKindExtensions.DisplayName"/>.</summary>
    public override IReadOnlyDictionary<string, (double X, double Y)> ObjectPositions(ShapesWorldState state) =>
        state.Shapes.ToDictionary(s => s.Kind.DisplayName(), s => ((double)s.X, (double)s.Y));

    /// <summary>Whether the target's centre lies inside the goal square.</summary>
    public override bool IsSuccess(ShapesWorldState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var target = state.Find(state.Target) ?? throw new ArgumentException($"The target {state.Target.DisplayName()} is not among the shapes.", nameof(state));
        var (x, y) = Centre(target);
        return state.Goal.Contains(x, y);
    }

    /// <summary>The centre of <paramref name="shape"/>'s box, the point the goal test uses.</summary>
    public (double X, double Y) Centre(ShapeState shape) => (shape.X + Config.ShapeSize / 2.0, shape.Y + Config.ShapeSize / 2.0);

    /// <summary>
    /// <paramref name="state"/> with its goal reached: the target moved so that its centre sits at the goal square's centre
    /// (rounded to whole pixels, kept on the canvas), the other shapes where they are. <see cref="Draw"/> renders it as the
    /// episode's goal frame, for goal-image rewards; the target may overlap another shape there.
    /// </summary>
    public ShapesWorldState SolvedState(ShapesWorldState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var target = state.Find(state.Target) ?? throw new ArgumentException($"The target {state.Target.DisplayName()} is not among the shapes.", nameof(state));
        int farthest = Config.Size - Config.ShapeSize;
        int x = Math.Clamp((int)Math.Floor(state.Goal.X + state.Goal.Size / 2.0 - Config.ShapeSize / 2.0), 0, farthest);
        int y = Math.Clamp((int)Math.Floor(state.Goal.Y + state.Goal.Size / 2.0 - Config.ShapeSize / 2.0), 0, farthest);
        var moved = target with { X = x, Y = y };
        return state with { Shapes = [.. state.Shapes.Select(s => s.Kind == state.Target ? moved : s)] };
    }

    /// <summary>How far, in pixels, the target's centre lies from the goal square's centre (0 at the centre); a dense measure of progress.</summary>
    public double GoalDistance(ShapesWorldState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var target = state.Find(state.Target) ?? throw new ArgumentException($"The target {state.Target.DisplayName()} is not among the shapes.", nameof(state));
        var (x, y) = Centre(target);
        return Math.Sqrt(Math.Pow(x - (state.Goal.X + state.Goal.Size / 2.0), 2) + Math.Pow(y - (state.Goal.Y + state.Goal.Size / 2.0), 2));
    }

    /// <inheritdoc />
    public override string DescribeGoal(ShapesWorldState state) => $"bring the {state.Target.DisplayName()} into the grey square";

    bool Overlap(ShapeState a, ShapeState b) => Math.Abs(a.X - b.X) < Config.ShapeSize && Math.Abs(a.Y - b.Y) < Config.ShapeSize;

    IReadOnlyList<ShapeState> RandomShapes()
    {
        var kinds = Enum.GetValues<ShapeKind>();
        NpRandom.Shuffle(kinds);
        int count = NpRandom.Next(Config.MinShapes, Config.MaxShapes + 1);
        var placed = new List<ShapeState>();
        foreach (var kind in kinds.Take(count))
        {
            // A free position always exists: with size ≥ 3·shapeSize, each placed box blocks at most one corner of the placement area.
            ShapeState candidate;
            do candidate = new ShapeState(kind, NpRandom.Next(Config.Size - Config.ShapeSize + 1), NpRandom.Next(Config.Size - Config.ShapeSize + 1));
            while (placed.Any(p => Overlap(p, candidate)));
            placed.Add(candidate);
        }
        return [.. placed.OrderBy(s => s.Kind)];
    }

    IReadOnlyList<ShapeState> CheckedShapes(object? value)
    {
        if (value is not IEnumerable<ShapeState> given)
            throw new ArgumentException($"Reset option \"shapes\" must be an IEnumerable<ShapeState>, got {value?.GetType().Name ?? "null"}.", "options");
        var shapes = given.OrderBy(s => s.Kind).ToArray();
        if (shapes.Length == 0) throw new ArgumentException("Reset option \"shapes\" is empty; give at least one shape.", "options");
        if (shapes.DistinctBy(s => s.Kind).Count() != shapes.Length)
            throw new ArgumentException($"Reset option \"shapes\" names a shape twice ({string.Join(", ", shapes.Select(s => s.Kind.DisplayName()))}).", "options");
        int farthest = Config.Size - Config.ShapeSize;
        if (shapes.FirstOrDefault(s => s.X < 0 || s.Y < 0 || s.X > farthest || s.Y > farthest) is ShapeState outside)
            throw new ArgumentException($"Reset option \"shapes\": the {outside} is outside the canvas (top-left corners run from 0 to {farthest}).", "options");
        for (int i = 0; i < shapes.Length; i++)
            if (shapes.Skip(i + 1).FirstOrDefault(other => Overlap(shapes[i], other)) is ShapeState other)
                throw new ArgumentException($"Reset option \"shapes\": the {shapes[i]} overlaps the {other} (boxes of {Config.ShapeSize} pixels).", "options");
        return shapes;
    }

    static ShapeKind CheckedTarget(object? value, IReadOnlyList<ShapeState> shapes)
    {
        var kind = value switch
        {
            ShapeKind k => k,
            string name => Enum.GetValues<ShapeKind>().Cast<ShapeKind?>()
                .FirstOrDefault(k => string.Equals(k!.Value.DisplayName(), name.Trim(), StringComparison.OrdinalIgnoreCase)),
            _ => null,
        } ?? throw new ArgumentException($"Reset option \"target\" must be a ShapeKind or a shape's name (red circle, blue square, green triangle), got {value ?? "null"}.", "options");
        if (!shapes.Any(s => s.Kind == kind))
            throw new ArgumentException($"Reset option \"target\": the {kind.DisplayName()} is not among the shapes.", "options");
        return kind;
    }

}
