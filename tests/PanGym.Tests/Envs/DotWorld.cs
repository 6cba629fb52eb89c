using PanGym.Envs;
using PanGym.Gym;

namespace PanGym.Tests.Envs;

/// <summary>
/// An environment PanGym has never seen, written as a user would, on the public helpers only: a purple dot pushed by
/// "push left" … "wait" towards a grey square, with a dense reward of its own (minus the distance to the goal's centre,
/// in canvas sides). Each <see cref="Fault"/> breaks one rule a ground-truth environment must keep.
/// </summary>
public sealed class DotWorld(int size = 32, DotWorld.Fault fault = DotWorld.Fault.None)
    : GroundTruthEnv<DotState, DotAction>(size, DotAction.Candidates)
{
    public enum Fault { None, MutatesState, HiddenCounter, MisnamedPositions, NaNReward }

    public static readonly (byte R, byte G, byte B) Purple = (190, 40, 230);
    public static readonly EnvSpec Spec0 = new("DotWorld-v0", "A purple dot pushed into a grey square.", 30);
    public const double StepPixels = 4, Radius = 3;
    int _hidden;

    public int Size { get; } = size;

    public override IStateProbe StateProbe { get; } = new DotProbe(size);

    public override ResetResult<Image> Reset(int? seed = null, IReadOnlyDictionary<string, object?>? options = null)
    {
        SeedRng(seed);
        Keywords.EnsureKnown(options, ["position", "goal"], "DotWorld reset option", nameof(options));
        var (x, y) = Keywords.TryGet(options, "position", out var given)
            ? Keywords.ToPair(given, "position")
            : (Radius + NpRandom.NextDouble() * (Size - 2 * Radius), Radius + NpRandom.NextDouble() * (Size - 2 * Radius));
        var goal = Keywords.TryGet(options, "goal", out var corner)
            ? GoalPlacement.FromOption(corner, Size, 8)
            : GoalPlacement.RandomAvoiding(NpRandom, Size, 8, x, y);
        return Begin(new DotState([x, y], goal));
    }

    public override DotAction ParseAction(string text)
    {
        var (reference, direction) = ActionText.SplitVerbPhrase(text, "push <direction>", DotAction.Candidates);
        if (reference.Length > 0 && reference is not ["dot"])
            throw ActionText.Unknown(text, $"there is only a dot to push, not \"{string.Join(' ', reference)}\"", DotAction.Candidates);
        return new DotAction(direction);
    }

    public override DotState Transition(DotState state, DotAction action)
    {
        var (dx, dy) = action.Direction.ToVector();
        double scale = fault == Fault.HiddenCounter ? ++_hidden : 1;
        double x = Math.Clamp(state.Position[0] + dx * StepPixels * scale, Radius, Size - Radius);
        double y = Math.Clamp(state.Position[1] + dy * StepPixels * scale, Radius, Size - Radius);
        if (fault != Fault.MutatesState) return state with { Position = [x, y] };
        (state.Position[0], state.Position[1]) = (x, y);
        return state with { };
    }

    public override Image Draw(DotState state)
    {
        var frame = Raster.Backdrop(Size, state.Goal);
        Raster.FillDisc(frame, state.Position[0], state.Position[1], Radius, Purple);
        return frame;
    }

    public override bool IsSuccess(DotState state) => state.Goal.Contains(state.Position[0], state.Position[1]);

    public override string DescribeGoal(DotState state) => "bring the purple dot into the grey square";

    public override IReadOnlyDictionary<string, (double X, double Y)> ObjectPositions(DotState state) =>
        new Dictionary<string, (double X, double Y)> { [fault == Fault.MisnamedPositions ? "ball" : DotProbe.Name] = (state.Position[0], state.Position[1]) };

    public override double ComputeReward(DotState state, DotAction action, DotState next) =>
        fault == Fault.NaNReward ? double.NaN : -GoalDistance(next) / Size;

    public static double GoalDistance(DotState state) => Math.Sqrt(
        Math.Pow(state.Position[0] - (state.Goal.X + state.Goal.Size / 2.0), 2) + Math.Pow(state.Position[1] - (state.Goal.Y + state.Goal.Size / 2.0), 2));

    public static DotWorld Create(IReadOnlyDictionary<string, object?> kwargs)
    {
        Keywords.EnsureKnown(kwargs, ["size"], "keyword argument for DotWorld-v0", nameof(kwargs));
        return new DotWorld(Keywords.TryGet(kwargs, "size", out var size) ? Keywords.ToInt32(size, "size") : 32);
    }
}
