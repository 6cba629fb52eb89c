using PanGym.WorldModel;

namespace PanGym.Bench;

/// <summary>Matrix-product FLOPs (2·m·n·k each) of the world model's dynamics, for GFLOP/s beside the matmul peak.</summary>
internal static class WorldModelFlops
{
    /// <summary>
    /// FLOPs of one turn of the dynamics for <paramref name="rows"/> trajectories that have read <paramref name="turnsBefore"/>
    /// turns: projections, MLP, attention over every key of the new turn, and the state projections.
    /// </summary>
    public static double Turn(PanWorldModel model, int turnsBefore, int rows)
    {
        var backbone = model.Config.Backbone;
        var dynamics = model.Config.Dynamics;
        double hidden = backbone.HiddenSize, queryWidth = backbone.NumAttentionHeads * backbone.HeadDim, kvWidth = backbone.NumKeyValueHeads * backbone.HeadDim;
        double newTokens = model.Dynamics.TurnLength, keys = (turnsBefore + 1.0) * model.Dynamics.TurnLength;
        var projections = 2 * hidden * queryWidth + 2 * 2 * hidden * kvWidth + 2 * queryWidth * hidden + 3 * 2 * hidden * backbone.IntermediateSize;
        var attention = 2 * 2 * keys * queryWidth;
        var states = 2 * 2 * dynamics.LatentTokens * dynamics.LatentWidth * hidden;
        return rows * (backbone.NumHiddenLayers * newTokens * (projections + attention) + states);
    }
}
