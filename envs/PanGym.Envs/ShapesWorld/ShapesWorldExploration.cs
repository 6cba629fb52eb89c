using System.Globalization;
using PanGym.Data;
using PanGym.Gym;

namespace PanGym.Envs;

/// <summary>
/// ShapesWorld's data-collection policy: each step independently, "wait" with <see cref="ShapesWorldExplorationConfig.WaitProbability"/>,
/// the <see cref="ShapesWorldExpert"/>'s step toward the goal with <see cref="ShapesWorldExplorationConfig.ExpertProbability"/>,
/// and otherwise a move drawn uniformly over (shape present × direction). Moves of shapes that are present make most
/// actions change the frame (a move blocked by a wall or another shape changes nothing, which the model must learn
/// too); the expert's drift brings the target into the goal in many episodes.
/// </summary>
/// <param name="env">The environment whose transitions the expert searches; the state is read from <c>info["state"]</c>.</param>
/// <param name="config">The mixture (default <see cref="ShapesWorldExplorationConfig.Default"/>).</param>
public sealed class ShapesWorldExploration(ShapesWorld env, ShapesWorldExplorationConfig? config = null) : IExplorationPolicy
{
    static readonly Direction[] _moves = [Direction.Left, Direction.Right, Direction.Up, Direction.Down];

    readonly ShapesWorldExpert _expert = new(env);

    /// <summary>The mixture.</summary>
    public ShapesWorldExplorationConfig Config { get; } = config ?? ShapesWorldExplorationConfig.Default;

    /// <summary>"shapesworld-exploration" with the mixture's probabilities.</summary>
    public string Name => string.Create(CultureInfo.InvariantCulture, $"shapesworld-exploration(wait={Config.WaitProbability}, expert={Config.ExpertProbability})");

    /// <summary>Nothing to forget: every step is drawn afresh.</summary>
    public void BeginEpisode() { }

    /// <summary>Wait, the expert's step, or a random move of a shape present, as <see cref="ShapesWorldExploration"/> describes.</summary>
    /// <exception cref="ArgumentException"><paramref name="info"/> has no ShapesWorld state.</exception>
    public string Act(Image observation, IReadOnlyDictionary<string, object?> info, Random random)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(random);
        if (info.GetValueOrDefault("state") is not ShapesWorldState state)
            throw new ArgumentException("ShapesWorld exploration needs the true state in info[\"state\"] (a ShapesWorldState), as ShapesWorld reports it.", nameof(info));
        double draw = random.NextDouble();
        if (draw < Config.WaitProbability) return ShapesWorldAction.Wait.ToString();
        if (draw < Config.WaitProbability + Config.ExpertProbability) return _expert.Act(state);
        var shape = state.Shapes[random.Next(state.Shapes.Count)];
        return new ShapesWorldAction(shape.Kind, _moves[random.Next(_moves.Length)]).ToString();
    }
}
