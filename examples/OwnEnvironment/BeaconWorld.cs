using PanGym.Envs;
using PanGym.Gym;
using PanGym.Planning;

namespace OwnEnvironment;

/// <summary>The true state: the beacon's top-left corner and the goal square. An immutable record with value equality.</summary>
public sealed record BeaconState(int X, int Y, GoalRegion Goal);

/// <summary>A parsed action: a direction, or none for "wait". Its text is its canonical form.</summary>
public sealed record BeaconAction(Direction Direction)
{
    /// <summary>What planners and the random baseline choose from.</summary>
    public static IReadOnlyList<string> Candidates { get; } = ["move left", "move right", "move up", "move down", "wait"];

    /// <inheritdoc />
    public override string ToString() => Direction == Direction.None ? "wait" : $"move {Direction.ToWord()}";
}

/// <summary>
/// A new environment on PanGym's public base type: an orange square ("the beacon") moved by text actions towards a grey
/// goal square on a small canvas. Everything the library needs comes from <see cref="GroundTruthEnv{TState, TAction}"/>:
/// implement the pure functions below, end <see cref="Reset"/> with <c>Begin(state)</c>, and it gets the Gym contract,
/// the info keys, <c>ExpectedDisplacement</c>, a simulator for the evaluation and, through
/// <see cref="IGoalTaskProvider"/>, goal tasks for planning.
/// </summary>
public sealed class BeaconWorld : GroundTruthEnv<BeaconState, BeaconAction>, IGoalTaskProvider
{
    /// <summary>How the command line and <c>registry.Make</c> know it.</summary>
    public static readonly EnvSpec Spec0 = new("BeaconWorld-v0", "An orange beacon moved by text into a grey square.", 30);

    /// <summary>The beacon's side, its step and the goal square's side, in pixels.</summary>
    public const int BeaconSize = 6, StepPixels = 4, GoalSize = 10;

    /// <summary>A canvas of <paramref name="size"/> pixels.</summary>
    public BeaconWorld(int size = 32) : base(size, BeaconAction.Candidates)
    {
        Size = size;
        StateProbe = new BeaconProbe(size);
    }

    /// <summary>The canvas side.</summary>
    public int Size { get; }

    /// <inheritdoc />
    public override IStateProbe StateProbe { get; }

    /// <summary>Makes one from the registry's keyword arguments (the command line passes <c>size</c>).</summary>
    public static BeaconWorld Create(IReadOnlyDictionary<string, object?> kwargs)
    {
        Keywords.EnsureKnown(kwargs, ["size"], "keyword argument for BeaconWorld-v0", nameof(kwargs));
        return new BeaconWorld(Keywords.TryGet(kwargs, "size", out var size) ? Keywords.ToInt32(size, "size") : 32);
    }

    /// <inheritdoc />
    public override ResetResult<Image> Reset(int? seed = null, IReadOnlyDictionary<string, object?>? options = null)
    {
        SeedRng(seed);
        Keywords.EnsureKnown(options, ["position"], "BeaconWorld reset option", nameof(options));
        var (x, y) = Keywords.TryGet(options, "position", out var given)
            ? Keywords.ToIntPair(given, "position")
            : (NpRandom.Next(Size - BeaconSize + 1), NpRandom.Next(Size - BeaconSize + 1));
        var goal = GoalPlacement.RandomAvoiding(NpRandom, Size, GoalSize, x + BeaconSize / 2.0, y + BeaconSize / 2.0);
        return Begin(new BeaconState(x, y, goal));
    }

    /// <summary>"move left", "Shift west.", "go north", "noop", …: the forgiving parser of the built-in environments.</summary>
    public override BeaconAction ParseAction(string text)
    {
        var (reference, direction) = ActionText.SplitVerbPhrase(text, "move <direction>", BeaconAction.Candidates);
        if (reference.Length > 0 && reference is not ["beacon"])
            throw ActionText.Unknown(text, $"there is only the beacon to move, not \"{string.Join(' ', reference)}\"", BeaconAction.Candidates);
        return new BeaconAction(direction);
    }

    /// <inheritdoc />
    public override BeaconState Transition(BeaconState state, BeaconAction action)
    {
        var (dx, dy) = action.Direction.ToVector();
        int farthest = Size - BeaconSize;
        return state with { X = Math.Clamp(state.X + dx * StepPixels, 0, farthest), Y = Math.Clamp(state.Y + dy * StepPixels, 0, farthest) };
    }

    /// <summary>The backdrop with the goal square (<see cref="Raster.Backdrop"/>), then the beacon in <see cref="Palette.Orange"/>.</summary>
    public override Image Draw(BeaconState state)
    {
        var frame = Raster.Backdrop(Size, state.Goal);
        Raster.FillRectangle(frame, state.X, state.Y, BeaconSize, BeaconSize, Palette.Orange);
        return frame;
    }

    /// <summary>Whether the beacon's centre lies inside the goal square.</summary>
    public override bool IsSuccess(BeaconState state) => state.Goal.Contains(state.X + BeaconSize / 2.0, state.Y + BeaconSize / 2.0);

    /// <inheritdoc />
    public override string DescribeGoal(BeaconState state) => "bring the orange beacon into the grey square";

    /// <summary>The beacon's centre, named as the probe names it.</summary>
    public override IReadOnlyDictionary<string, (double X, double Y)> ObjectPositions(BeaconState state) =>
        new Dictionary<string, (double X, double Y)> { [BeaconProbe.Name] = (state.X + BeaconSize / 2.0, state.Y + BeaconSize / 2.0) };

    /// <summary>A dense reward of its own: 1 on reaching the goal, else minus the distance to the goal's centre in canvas sides.</summary>
    public override double ComputeReward(BeaconState state, BeaconAction action, BeaconState next) => IsSuccess(next) ? 1.0 : -GoalDistance(next) / Size;

    /// <summary>How far the beacon's centre lies from the goal square's centre, in pixels.</summary>
    public static double GoalDistance(BeaconState state) => Distance(state.X + BeaconSize / 2.0, state.Y + BeaconSize / 2.0, state.Goal);

    /// <summary>
    /// Goal tasks for <c>GoalTaskEvaluation</c> and <c>pangym plan --env BeaconWorld-v0</c>: the solvable seeded starts, the true
    /// simulator scored by <see cref="ComputeReward"/>, the goal frame, and the same reward read off imagined frames by the probe.
    /// </summary>
    public IGoalTaskSource CreateGoalTasks() => new GroundTruthGoalTasks<BeaconState, BeaconAction>(this, name: "BeaconWorld", defaultMaxSteps: 12,
        solvedState: state => state with
        {
            X = state.Goal.X + (state.Goal.Size - BeaconSize) / 2,
            Y = state.Goal.Y + (state.Goal.Size - BeaconSize) / 2,
        },
        probeOutcome: (start, objects) => objects.FirstOrDefault(o => o.Name == BeaconProbe.Name) is not { } beacon ? new StepOutcome(-1, false)
            : start.Goal.Contains(beacon.X, beacon.Y) ? new StepOutcome(1, true)
            : new StepOutcome(-Distance(beacon.X, beacon.Y, start.Goal) / Size, false));

    static double Distance(double x, double y, GoalRegion goal) =>
        Math.Sqrt(Math.Pow(x - (goal.X + goal.Size / 2.0), 2) + Math.Pow(y - (goal.Y + goal.Size / 2.0), 2));
}
