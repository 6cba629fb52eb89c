using PanGym.Envs;
using PanGym.Evaluation;
using PanGym.Gym;

namespace PanGym.Tests.Evaluation;

/// <summary>The action-fidelity rule on hand-made ShapesWorld frames (32 px: shapes of 6 px, moves of 2 px).</summary>
public sealed class FrameScoringTests
{
    static readonly ShapesWorld Env = new(ShapesWorldConfig.Small);
    static readonly GoalRegion Goal = new(24, 24, 8);
    static readonly FrameScoring Scoring = new(Env.StateProbe, 32, EvaluationConfig.Default);

    static ShapesWorldState State(params ShapeState[] shapes) => new(shapes, ShapeKind.Circle, Goal);

    static readonly ShapesWorldState Before = State(new(ShapeKind.Circle, 10, 10), new(ShapeKind.Square, 20, 4));

    static FrameScore Score(Image predicted, string action)
    {
        var after = Env.Transition(Before, Env.ParseAction(action));
        var truth = Env.Draw(after);
        return Scoring.Score(predicted, truth, Env.ObjectPositions(after), Env.ExpectedDisplacement(Before, action), Env.StateProbe.Probe(truth));
    }

    [Theory]
    [InlineData(12, 10, true)]   // exactly right
    [InlineData(11, 10, true)]   // half the way: the edge of "roughly right"
    [InlineData(10, 10, false)]  // did not move
    [InlineData(8, 10, false)]   // the wrong way
    [InlineData(12, 12, false)]  // right, then off by 2 px downwards
    [InlineData(14, 10, false)]  // twice as far
    public void A_move_is_faithful_only_in_the_right_direction_by_roughly_the_right_amount(int x, int y, bool faithful)
    {
        var predicted = Env.Draw(State(new(ShapeKind.Circle, x, y), new(ShapeKind.Square, 20, 4)));
        var score = Score(predicted, "move the red circle right");
        Assert.Equal(faithful, score.Faithful);
        Assert.True(score.Consistent);
        Assert.Equal(Math.Sqrt((x - 12) * (x - 12) + (y - 10) * (y - 10)) / 2, score.PositionError, 9);
    }

    [Fact]
    public void The_other_objects_must_stay_and_wait_changes_nothing()
    {
        var otherMoved = Env.Draw(State(new(ShapeKind.Circle, 12, 10), new(ShapeKind.Square, 22, 4)));
        Assert.False(Score(otherMoved, "move the red circle right").Faithful);

        Assert.True(Score(Env.Draw(Before), "wait").Faithful);
        Assert.False(Score(Env.Draw(State(new(ShapeKind.Circle, 10, 12), new(ShapeKind.Square, 20, 4))), "wait").Faithful);
    }

    [Fact]
    public void Missing_and_extra_objects_break_fidelity_and_consistency()
    {
        var missing = Env.Draw(State(new ShapeState(ShapeKind.Circle, 12, 10)));
        var score = Score(missing, "move the red circle right");
        Assert.False(score.Faithful);
        Assert.False(score.Consistent);
        Assert.Equal(0.5, score.MissingShare);
        Assert.Equal(32 / 2.0, score.PositionError, 9);

        var extra = Env.Draw(State(new(ShapeKind.Circle, 12, 10), new(ShapeKind.Square, 20, 4), new(ShapeKind.Triangle, 2, 24)));
        score = Score(extra, "move the red circle right");
        Assert.False(score.Faithful);
        Assert.False(score.Consistent);
        Assert.Equal(0, score.MissingShare);
    }

    [Fact]
    public void A_shape_of_the_wrong_size_is_inconsistent()
    {
        var after = Env.Transition(Before, Env.ParseAction("move the red circle right"));
        var truth = Env.Draw(after);
        var blotted = truth.Clone();
        for (int y = 2; y < 12; y++)
            for (int x = 18; x < 28; x++)
                blotted[x, y] = Palette.Blue;
        var score = Scoring.Score(blotted, truth, Env.ObjectPositions(after), Env.ExpectedDisplacement(Before, "move the red circle right"), Env.StateProbe.Probe(truth));
        Assert.False(score.Consistent);
    }
}
