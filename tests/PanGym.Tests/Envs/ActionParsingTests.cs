using PanGym.Envs;

namespace PanGym.Tests.Envs;

public class ActionParsingTests
{
    [Theory]
    [InlineData("move the red circle left")]
    [InlineData("Move the Red Circle Left.")]
    [InlineData("  push   red circle   to the left!  ")]
    [InlineData("MOVE RED CIRCLE LEFT")]
    [InlineData("shift the circle west")]
    [InlineData("slide red left")]
    [InlineData("go the red shape left")]
    public void Shapes_variants_parse_to_the_same_action(string text) =>
        Assert.Equal(new ShapesWorldAction(ShapeKind.Circle, Direction.Left), ShapesWorldAction.Parse(text));

    [Theory]
    [InlineData("move the blue square north", ShapeKind.Square, Direction.Up)]
    [InlineData("push triangle south", ShapeKind.Triangle, Direction.Down)]
    [InlineData("move green east", ShapeKind.Triangle, Direction.Right)]
    public void Shapes_synonyms_and_partial_references(string text, ShapeKind shape, Direction direction) =>
        Assert.Equal(new ShapesWorldAction(shape, direction), ShapesWorldAction.Parse(text));

    [Theory]
    [InlineData("wait")]
    [InlineData("Wait.")]
    [InlineData("noop")]
    [InlineData("no-op")]
    [InlineData("Do nothing!")]
    [InlineData(" stay ")]
    public void Wait_variants_parse_to_wait(string text)
    {
        Assert.Equal(ShapesWorldAction.Wait, ShapesWorldAction.Parse(text));
        Assert.Equal(MomentumWorldAction.Wait, MomentumWorldAction.Parse(text));
    }

    [Theory]
    [InlineData("push left")]
    [InlineData("Push the ball to the left.")]
    [InlineData("move west")]
    [InlineData("shift orange ball left")]
    [InlineData("  SLIDE   the ball LEFT ")]
    public void Momentum_variants_parse_to_the_same_action(string text) =>
        Assert.Equal(new MomentumWorldAction(Direction.Left), MomentumWorldAction.Parse(text));

    [Fact]
    public void Every_candidate_parses_back_to_itself()
    {
        Assert.All(ShapesWorldAction.Candidates, c => Assert.Equal(c, ShapesWorldAction.Parse(c).ToString()));
        Assert.All(MomentumWorldAction.Candidates, c => Assert.Equal(c, MomentumWorldAction.Parse(c).ToString()));
        Assert.Equal(13, ShapesWorldAction.Candidates.Distinct().Count());
    }

    [Theory]
    [InlineData("jump", "expected")]
    [InlineData("", "expected")]
    [InlineData("move the red circle sideways", "\"sideways\" is not a direction")]
    [InlineData("move the red square left", "\"red square\" does not name a shape")]
    [InlineData("move the purple circle left", "does not name a shape")]
    public void Unknown_shapes_actions_list_what_is_accepted(string text, string reason)
    {
        var e = Assert.Throws<UnknownActionException>(() => ShapesWorldAction.Parse(text));
        Assert.Contains($"\"{text}\"", e.Message);
        Assert.Contains(reason, e.Message);
        Assert.All(ShapesWorldAction.Candidates, c => Assert.Contains($"\"{c}\"", e.Message));
        Assert.Equal(ShapesWorldAction.Candidates, e.AcceptedActions);
        Assert.Equal(text, e.Action);
        Assert.IsAssignableFrom<ArgumentException>(e);
    }

    [Theory]
    [InlineData("move left")]
    [InlineData("move the shape up")]
    public void Ambiguous_shape_reference_is_rejected(string text)
    {
        var e = Assert.Throws<UnknownActionException>(() => ShapesWorldAction.Parse(text));
        Assert.Contains("ambiguous", e.Message);
        Assert.Contains("red circle, blue square, green triangle", e.Message);
    }

    [Theory]
    [InlineData("push the red circle left")]
    [InlineData("left")]
    [InlineData("push left now")]
    public void Unknown_momentum_actions_list_what_is_accepted(string text)
    {
        var e = Assert.Throws<UnknownActionException>(() => MomentumWorldAction.Parse(text));
        Assert.Contains("\"push left\", \"push right\", \"push up\", \"push down\", \"wait\"", e.Message);
    }

    [Fact]
    public void Null_action_is_refused() => Assert.Throws<ArgumentNullException>(() => ShapesWorldAction.Parse(null!));
}
