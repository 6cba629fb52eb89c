using PanGym.Gym;
using PanGym.WorldModel;

namespace PanGym.Imagination;

/// <summary>
/// A goal read off decoded frames by an environment's <see cref="IStateProbe"/>: each imagined frame is probed for its
/// objects, and a goal test on them decides success (<see cref="SuccessReward"/>, terminated) or not
/// (<see cref="StepReward"/>). With the ground-truth environments' probes and their goal test this reproduces their own
/// reward scheme in imagination (+1 on reaching the goal, −0.01 a step), so imagined and real returns compare directly.
/// </summary>
/// <param name="probe">Reads objects out of a frame.</param>
/// <param name="goalReached">The goal test on the probed objects.</param>
/// <param name="successReward">Reward of the step that reaches the goal (the ground-truth environments give 1).</param>
/// <param name="stepReward">Reward of every other step (the ground-truth environments give −0.01).</param>
public sealed class ProbeGoalReward(IStateProbe probe, Func<IReadOnlyList<ProbedObject>, bool> goalReached, double successReward = 1.0, double stepReward = -0.01)
    : IImaginedReward
{
    readonly IStateProbe _probe = probe ?? throw new ArgumentNullException(nameof(probe));
    readonly Func<IReadOnlyList<ProbedObject>, bool> _goalReached = goalReached ?? throw new ArgumentNullException(nameof(goalReached));

    /// <summary>Reward of the step that reaches the goal.</summary>
    public double SuccessReward { get; } = double.IsFinite(successReward) ? successReward
        : throw new ArgumentOutOfRangeException(nameof(successReward), successReward, "The success reward must be finite.");

    /// <summary>Reward of every other step.</summary>
    public double StepReward { get; } = double.IsFinite(stepReward) ? stepReward
        : throw new ArgumentOutOfRangeException(nameof(stepReward), stepReward, "The step reward must be finite.");

    /// <inheritdoc />
    public bool NeedsFrames => true;

    /// <inheritdoc />
    public StepRewards Evaluate(ImaginedStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        var frames = step.Frames ?? throw new ArgumentException("ProbeGoalReward reads decoded frames, but the step carries none.", nameof(step));
        var reached = PanWorldModel.FromModelPixels(frames).Select(frame => _goalReached(_probe.Probe(frame))).ToArray();
        return new StepRewards(reached.Select(r => r ? SuccessReward : StepReward).ToArray(), reached);
    }
}
